import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/storage/helpers.js'
import { CheckpointFormatError, readOffsetCheckpoint, writeOffsetCheckpoint } from './checkpoint-file.js'
import { LeaderEpochCache } from './leader-epoch-cache.js'
import { formatPartitionMetadata, readPartitionMetadata, writePartitionMetadata } from './partition-metadata.js'

describe('offset checkpoint files', () => {
  it('round-trip in Kafka text format, topic names with dashes included', async () => {
    const path = join(await tempDir(), 'recovery-point-offset-checkpoint')
    await writeOffsetCheckpoint(path, [{ topic: 'a-b', partition: 3, offset: 17 }, { topic: 'c', partition: 0, offset: 0 }])
    expect(await readFile(path, 'utf8')).toBe('0\n2\na-b 3 17\nc 0 0\n')
    expect([...(await readOffsetCheckpoint(path))]).toEqual([['a-b-3', 17], ['c-0', 0]])
  })

  it('read as empty when missing, and refuse a wrong count, version or entry', async () => {
    const dir = await tempDir()
    expect((await readOffsetCheckpoint(join(dir, 'none'))).size).toBe(0)
    for (const text of ['0\n2\nt 0 1\n', '1\n0\n', '0\n1\nt x 1\n', '0\n1\nt 0\n']) {
      await writeFile(join(dir, 'bad'), text)
      await expect(readOffsetCheckpoint(join(dir, 'bad'))).rejects.toThrow(CheckpointFormatError)
    }
  })
})

describe('LeaderEpochCache', () => {
  it('tracks epochs and their start offsets as Kafka does, and persists them', async () => {
    const dir = await tempDir()
    const c = await LeaderEpochCache.load(dir)
    expect(c.assign(0, 0)).toBe(true)
    expect(c.assign(0, 5)).toBe(false)
    c.assign(2, 10)
    c.assign(5, 30)
    expect(c.epochForOffset(9)).toBe(0)
    expect(c.epochForOffset(10)).toBe(2)
    expect(c.endOffsetFor(1, 40)).toEqual({ epoch: 0, endOffset: 10 })
    expect(c.endOffsetFor(5, 40)).toEqual({ epoch: 5, endOffset: 40 })
    expect(c.endOffsetFor(-1, 40)).toEqual({ epoch: -1, endOffset: -1 })
    c.truncateFromStart(15)
    expect(c.entries).toEqual([{ epoch: 2, startOffset: 15 }, { epoch: 5, startOffset: 30 }])
    c.truncateFromEnd(30)
    await c.flush()
    expect(await readFile(join(dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n2 15\n')
    expect((await LeaderEpochCache.load(dir)).latestEpoch).toBe(2)
  })

  it('a new epoch starting below existing entries replaces them', async () => {
    const c = await LeaderEpochCache.load(await tempDir())
    c.assign(1, 10)
    c.assign(2, 20)
    c.assign(3, 15)
    expect(c.entries).toEqual([{ epoch: 1, startOffset: 10 }, { epoch: 3, startOffset: 15 }])
  })
})

describe('partition.metadata', () => {
  it('is 43 bytes with no trailing newline, and reads back', async () => {
    const dir = await tempDir()
    expect(Buffer.byteLength(formatPartitionMetadata('AAAAAAAAAAAAAAAAAAAAAQ'))).toBe(43)
    await writePartitionMetadata(dir, 'AAAAAAAAAAAAAAAAAAAAAQ')
    expect(await readPartitionMetadata(dir)).toBe('AAAAAAAAAAAAAAAAAAAAAQ')
    expect(await readPartitionMetadata(join(dir, 'missing'))).toBeNull()
    await writeFile(join(dir, 'partition.metadata'), 'version: 1\ntopic_id: x')
    await expect(readPartitionMetadata(dir)).rejects.toThrow(/unrecognised/)
  })
})
