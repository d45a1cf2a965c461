import { closeSync, openSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/storage/helpers.js'
import { buildBatch } from '../protocol/records/batch-builder.js'
import { BatchCursor } from './batch-cursor.js'

/** Batches of varied sizes (some larger than the cursor's chunk), then `tail` bytes of garbage. */
function segmentBytes(tail: Buffer): { file: Buffer; positions: number[] } {
  const batches = Array.from({ length: 40 }, (_, i) => buildBatch([{ timestamp: i, value: Buffer.alloc(i % 5 === 0 ? 700 : 20 + i * 7, i) }], { baseOffset: i }))
  const positions: number[] = []
  let pos = 0
  for (const b of batches) {
    positions.push(pos)
    pos += b.length
  }
  return { file: Buffer.concat([...batches, tail]), positions }
}

async function walk(path: string, size: number, readAhead: boolean): Promise<{ seen: [number, number][]; last: string }> {
  const fd = openSync(path, 'r')
  try {
    const cursor = new BatchCursor(fd, 0, size, 256, readAhead)
    const seen: [number, number][] = []
    for (;;) {
      const step = await cursor.next(true)
      if (step.kind !== 'batch') return { seen, last: step.kind === 'end' ? 'end' : `invalid at ${step.position}` }
      // A whole batch is in the buffer: it ends with the record's value and an empty header count.
      const h = step.header
      expect(h.buffer[h.position + step.size - 2]).toBe(h.baseOffset)
      seen.push([h.baseOffset, step.position])
    }
  } finally {
    closeSync(fd)
  }
}

describe('BatchCursor', () => {
  it.each([false, true])('walks whole batches across chunks and batches larger than a chunk (read-ahead %s)', async (readAhead) => {
    const path = join(await tempDir(), 'segment.log')
    const { file, positions } = segmentBytes(Buffer.alloc(0))
    writeFileSync(path, file)
    expect(await walk(path, file.length, readAhead)).toEqual({ seen: positions.map((p, i) => [i, p]), last: 'end' })
  })

  it.each([false, true])('stops at a torn tail (read-ahead %s)', async (readAhead) => {
    const path = join(await tempDir(), 'segment.log')
    const tail = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 2, 3])
    const { file, positions } = segmentBytes(tail)
    writeFileSync(path, file)
    expect(await walk(path, file.length, readAhead)).toEqual({ seen: positions.map((p, i) => [i, p]), last: `invalid at ${file.length - tail.length}` })
  })
})
