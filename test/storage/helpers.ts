/** Shared pieces of the storage tests: temp dirs, batches, a capturing logger, batch decoding. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino, type Logger } from 'pino'
import { onTestFinished } from 'vitest'
import { buildBatch } from '../../src/protocol/records/batch-builder.js'
import { BatchHeader } from '../../src/protocol/records/batch-header.js'
import { readRecords } from '../../src/protocol/records/record-reader.js'
import { validateBatch } from '../../src/protocol/records/validate-batch.js'

/** A temp dir removed when the test ends. */
export async function tempDir(prefix = 'brook-storage-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

export interface TestRecord {
  timestamp: number
  value: Buffer
}

export function batchOf(records: readonly TestRecord[]): Buffer {
  return buildBatch(records.map((r) => ({ timestamp: r.timestamp, key: null, value: r.value })))
}

/** A logger whose JSON lines are kept in `lines`. */
export function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) })
  return { logger, lines }
}

export interface DecodedBatch {
  baseOffset: number
  lastOffset: number
  records: Array<{ offset: number; timestamp: number; value: Buffer }>
}

/** Splits fetched bytes into batches, asserting each is whole, valid and CRC-correct. */
export function decodeBatches(buf: Buffer): DecodedBatch[] {
  const out: DecodedBatch[] = []
  for (let pos = 0; pos < buf.length; ) {
    const check = validateBatch(buf, pos, { denseOffsets: false })
    if (!check.ok) throw new Error(`invalid batch at ${pos}: ${check.message}`)
    const h: BatchHeader = check.header
    out.push({
      baseOffset: h.baseOffset,
      lastOffset: h.lastOffset,
      records: [...readRecords(h)].map((r) => ({ offset: r.offset, timestamp: r.timestamp, value: Buffer.from(r.value!) })),
    })
    pos += check.size
  }
  return out
}

/** A seeded PRNG (mulberry32), so random tests repeat exactly. */
export function rng(seed: number): { int(lo: number, hi: number): number; pick<T>(xs: readonly T[]): T } {
  let s = seed >>> 0
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1))
  return { int, pick: (xs) => xs[int(0, xs.length - 1)]! }
}

/** The value of record `k` of append `seq` in crash-test cycle `cycle`: its id, padded to a length that varies with it. */
export function crashValue(cycle: number, seq: number, k: number): Buffer {
  const id = `${cycle}:${seq}:${k};`
  return Buffer.from(id.padEnd(id.length + ((cycle * 31 + seq * 7 + k * 13) % 900), '#'))
}
