import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { batchOf, decodeBatches, rng, tempDir, type TestRecord } from '../../test/storage/helpers.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { BATCH, BatchHeader } from '../protocol/records/batch-header.js'
import { ManualClock } from './clock.js'
import { logConfig, type LogConfig } from './log-config.js'
import { LogManager } from './log-manager.js'
import type { PartitionLog } from './partition-log.js'

/** The oracle: every record ever acknowledged, by offset. */
type Oracle = Map<number, TestRecord>

async function open(dir: string, clock: ManualClock, config: () => LogConfig): Promise<LogManager> {
  return LogManager.open({ logDirs: [dir], clock, scheduler: clock, configFor: config })
}

/** Appends random batches (several in flight at once, so they coalesce) and records them in the oracle. */
async function appendRandom(log: PartitionLog, oracle: Oracle, r: ReturnType<typeof rng>, clock: ManualClock, appends: number): Promise<void> {
  const inFlight: Array<Promise<void>> = []
  for (let i = 0; i < appends; i++) {
    const batches: TestRecord[][] = []
    for (let b = r.int(1, 3); b > 0; b--) {
      const recs: TestRecord[] = []
      for (let n = r.int(1, 5); n > 0; n--) recs.push({ timestamp: clock.now() + r.int(-50, 50), value: Buffer.alloc(r.int(0, 300), r.int(0, 255)) })
      batches.push(recs)
    }
    const flat = batches.flat()
    inFlight.push(
      log.append(Buffer.concat(batches.map(batchOf))).then((res) => {
        expect(res.lastOffset - res.baseOffset + 1).toBe(flat.length)
        flat.forEach((rec, k) => oracle.set(res.baseOffset + k, rec))
      }),
    )
    if (r.int(0, 3) === 0) await Promise.all(inFlight.splice(0))
    await clock.advance(r.int(0, 20))
  }
  await Promise.all(inFlight)
}

/** Checks one read against the oracle: whole valid batches, starting at the batch holding `offset`, within maxBytes. */
async function checkRead(log: PartitionLog, oracle: Oracle, offset: number, maxBytes: number): Promise<number> {
  const res = await log.read(offset, maxBytes)
  expect(res.errorCode).toBe(ErrorCode.NONE)
  if (offset === log.logEndOffset) {
    expect(res.records.length).toBe(0)
    expect(res.nextOffset).toBe(-1)
    return offset
  }
  const batches = decodeBatches(res.records)
  expect(batches.length).toBeGreaterThan(0)
  expect(batches[0]!.baseOffset).toBeLessThanOrEqual(offset)
  expect(batches[0]!.lastOffset).toBeGreaterThanOrEqual(offset)
  if (batches.length > 1) expect(res.records.length).toBeLessThanOrEqual(maxBytes)
  let expected = batches[0]!.baseOffset
  for (const b of batches) {
    expect(b.baseOffset).toBe(expected)
    for (const rec of b.records) {
      const want = oracle.get(rec.offset)!
      expect(rec.timestamp).toBe(want.timestamp)
      expect(rec.value.equals(want.value)).toBe(true)
    }
    expected = b.lastOffset + 1
  }
  expect(res.nextOffset).toBe(expected)
  return expected
}

/** Reads the whole log as a consumer does and compares it with the oracle. */
async function checkAll(log: PartitionLog, oracle: Oracle, maxBytes: number): Promise<void> {
  let offset = log.logStartOffset
  const seen: number[] = []
  while (offset < log.logEndOffset) {
    const res = await log.read(offset, maxBytes)
    for (const b of decodeBatches(res.records)) for (const rec of b.records) if (rec.offset >= log.logStartOffset) seen.push(rec.offset)
    offset = await checkRead(log, oracle, offset, maxBytes)
  }
  const want = [...oracle.keys()].filter((o) => o >= log.logStartOffset)
  expect(seen).toEqual(want)
}

function oracleTimestampLookup(oracle: Oracle, start: number, ts: number): number | null {
  for (const [offset, rec] of oracle) if (offset >= start && rec.timestamp >= ts) return offset
  return null
}

describe('PartitionLog against a sorted-map oracle', () => {
  it.each([1, 2, 3])('random appends, reads and timestamp lookups with tiny segments (seed %i)', async (seed) => {
    const r = rng(seed)
    const dir = await tempDir()
    const clock = new ManualClock()
    const cfg = logConfig({ segmentBytes: r.int(700, 3000), indexIntervalBytes: r.int(50, 600), segmentIndexBytes: r.pick([48, 96, 4096]) })
    let m = await open(dir, clock, () => cfg)
    let log = await m.createLog('t', 0, { topicId: null })
    const oracle: Oracle = new Map()
    for (let round = 0; round < 4; round++) {
      await appendRandom(log, oracle, r, clock, 40)
      expect(log.logEndOffset).toBe(oracle.size)
      for (let i = 0; i < 60; i++) await checkRead(log, oracle, r.int(0, log.logEndOffset), r.int(1, 2500))
      await checkAll(log, oracle, r.int(100, 3000))
      // read_committed reads stop at a maxOffset (the last stable offset): the batches starting below it.
      for (let i = 0; i < 20; i++) {
        const offset = r.int(log.logStartOffset, log.logEndOffset - 1)
        const maxOffset = r.int(offset + 1, log.logEndOffset)
        const maxBytes = r.int(100, 3000)
        const whole = decodeBatches((await log.read(offset, maxBytes)).records)
        const cut = await log.read(offset, maxBytes, { maxOffset })
        const below = whole.filter((b) => b.baseOffset < maxOffset)
        expect(decodeBatches(cut.records).map((b) => b.baseOffset)).toEqual(below.map((b) => b.baseOffset))
        expect(cut.nextOffset).toBe(below.length > 0 ? below.at(-1)!.lastOffset + 1 : -1)
      }
      for (let i = 0; i < 20; i++) {
        const ts = clock.now() + r.int(-2000, 100)
        const found = await log.offsetForTimestamp(ts)
        const want = oracleTimestampLookup(oracle, log.logStartOffset, ts)
        expect(found?.offset ?? null).toBe(want)
        if (found) expect(found.timestamp).toBe(oracle.get(found.offset)!.timestamp)
      }
      const max = await log.maxTimestampOffset()
      const live = [...oracle].filter(([o]) => o >= log.logStartOffset)
      const maxTs = Math.max(...live.map(([, rec]) => rec.timestamp))
      expect(max).toMatchObject({ timestamp: maxTs, offset: live.find(([, rec]) => rec.timestamp === maxTs)![0] })
      if (round === 1) {
        await m.close()
        m = await open(dir, clock, () => cfg)
        log = m.getLog('t', 0)!
      }
    }
    expect(log.segmentCount).toBeGreaterThan(3)
    expect((await log.read(log.logEndOffset + 1, 100)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
    await m.close()
  })

  it('rolls on segment.ms measured from the first batch timestamp', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    const m = await open(dir, clock, () => logConfig({ segmentMs: 1000 }))
    const log = await m.createLog('t', 0, { topicId: null })
    const t0 = clock.now()
    await log.append(batchOf([{ timestamp: t0, value: Buffer.from('a') }]))
    await log.append(batchOf([{ timestamp: t0 + 1000, value: Buffer.from('b') }]))
    expect(log.segmentBaseOffsets).toEqual([0])
    await log.append(batchOf([{ timestamp: t0 + 1001, value: Buffer.from('c') }]))
    expect(log.segmentBaseOffsets).toEqual([0, 2])
    await m.close()
  })

  it('rolls when the index is full and when the segment is full', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    const m = await open(dir, clock, () => logConfig({ segmentIndexBytes: 24, indexIntervalBytes: 1, segmentBytes: 1 << 20 }))
    const log = await m.createLog('t', 0, { topicId: null })
    for (let i = 0; i < 10; i++) await log.append(batchOf([{ timestamp: clock.now(), value: Buffer.alloc(10) }]))
    // Three offset-index entries (or two time-index entries) fill the index: rolls every few batches.
    expect(log.segmentCount).toBeGreaterThanOrEqual(3)
    await m.close()
  })

  it('rolls before an offset would overflow the int32 relative offsets of the index', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    const m = await open(dir, clock, () => logConfig())
    const log = await m.createLog('t', 0, { topicId: null })
    await log.append(batchOf([{ timestamp: 1, value: Buffer.from('a') }]))
    // A batch whose offset range spans 2^31 offsets (as a compacted batch may): its last offset is out of reach of segment 0.
    const wide = batchOf([{ timestamp: 1, value: Buffer.from('b') }])
    wide.writeInt32BE(2 ** 31 - 1, BATCH.LAST_OFFSET_DELTA)
    BatchHeader.view(wide).updateCrc()
    expect((await log.append(wide)).lastOffset).toBe(2 ** 31)
    expect(log.segmentBaseOffsets).toEqual([0, 1])
    await log.append(batchOf([{ timestamp: 1, value: Buffer.from('c') }]))
    expect(log.logEndOffset).toBe(2 ** 31 + 2)
    expect(decodeBatches((await log.read(2 ** 31 + 1, 1000)).records)[0]!.baseOffset).toBe(2 ** 31 + 1)
    await m.close()
  })

  it('retention.bytes deletes the oldest closed segments; the files go after file.delete.delay.ms', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    let cfg = logConfig({ segmentBytes: 1000, fileDeleteDelayMs: 5000 })
    const m = await open(dir, clock, () => cfg)
    const log = await m.createLog('t', 0, { topicId: null })
    const oracle: Oracle = new Map()
    await appendRandom(log, oracle, rng(7), clock, 60)
    const before = log.segmentCount
    cfg = { ...cfg, retentionBytes: 2500 }
    const deleted = await m.cleanupLogs()
    expect(deleted).toBeGreaterThan(0)
    expect(log.segmentCount).toBe(before - deleted)
    expect(log.size).toBeGreaterThanOrEqual(2500)
    expect(log.size - log.segmentBaseOffsets.length).toBeLessThan(2500 + 1000 + 400)
    expect(log.logStartOffset).toBe(log.segmentBaseOffsets[0])
    expect((await log.read(log.logStartOffset - 1, 100)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
    await checkAll(log, oracle, 700)
    const files = await readdir(join(dir, 't-0'))
    expect(files.filter((f) => f.endsWith('.deleted')).length).toBe(deleted * 3)
    await clock.advance(5000)
    expect((await readdir(join(dir, 't-0'))).filter((f) => f.endsWith('.deleted'))).toEqual([])
    await m.close()
  })

  it('retention.ms deletes closed segments whose newest record is older than the limit, on the check interval', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    const m = await LogManager.open({ logDirs: [dir], clock, scheduler: clock, retentionCheckIntervalMs: 1000, configFor: () => logConfig({ segmentBytes: 600, retentionMs: 10_000 }) })
    const log = await m.createLog('t', 0, { topicId: null })
    const oracle: Oracle = new Map()
    await appendRandom(log, oracle, rng(11), clock, 30)
    await clock.advance(20_000)
    const oldEnd = log.logEndOffset
    await appendRandom(log, oracle, rng(12), clock, 30)
    const firstNew = log.segmentBaseOffsets.findIndex((b) => b >= oldEnd)
    await clock.advance(1000)
    // Every segment holding only the old records is gone; the segment straddling the boundary and later ones stay.
    expect(log.logStartOffset).toBeGreaterThan(0)
    expect(log.logStartOffset).toBeLessThanOrEqual(oldEnd)
    expect(log.segmentCount).toBeGreaterThanOrEqual(log.segmentBaseOffsets.length - firstNew)
    await checkAll(log, oracle, 1000)
    await m.close()
  })

  it('deleteRecordsBefore moves the log start offset, drops whole segments below it and survives a restart', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    const cfg = logConfig({ segmentBytes: 800 })
    let m = await open(dir, clock, () => cfg)
    let log = await m.createLog('t', 0, { topicId: null })
    const oracle: Oracle = new Map()
    await appendRandom(log, oracle, rng(5), clock, 50)
    const target = Math.floor(log.logEndOffset / 2)
    expect(await log.deleteRecordsBefore(target)).toBe(target)
    expect(log.segmentBaseOffsets[0]).toBeLessThanOrEqual(target)
    expect(log.segmentBaseOffsets[1]).toBeGreaterThan(target)
    expect((await log.read(target - 1, 100)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
    await checkAll(log, oracle, 500)
    await expect(log.deleteRecordsBefore(log.logEndOffset + 1)).rejects.toThrow(RangeError)
    expect(log.earliestOffset().offset).toBe(target)
    await m.close()
    m = await open(dir, clock, () => cfg)
    log = m.getLog('t', 0)!
    expect(log.logStartOffset).toBe(target)
    await m.close()
  })

  it('stamps LogAppendTime and the leader epoch, and answers epoch queries', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    const m = await open(dir, clock, () => logConfig({ messageTimestampType: 'LogAppendTime' }))
    const log = await m.createLog('t', 0, { topicId: null })
    const res = await log.append(batchOf([{ timestamp: 5, value: Buffer.from('x') }]), { leaderEpoch: 0 })
    expect(res.logAppendTime).toBe(clock.now())
    await log.assignLeaderEpoch(3)
    await log.append(batchOf([{ timestamp: 5, value: Buffer.from('y') }]), { leaderEpoch: 3 })
    const stampedByCaller = batchOf([{ timestamp: 5, value: Buffer.from('z') }])
    BatchHeader.view(stampedByCaller).setLogAppendTime(77)
    expect((await log.append(stampedByCaller, { leaderEpoch: 3, logAppendTime: 77 })).logAppendTime).toBe(77)
    const [b0, b1, b2] = decodeBatches((await log.read(0, 10_000)).records)
    expect(b0!.records[0]!.timestamp).toBe(clock.now())
    expect(b2!.records[0]!.timestamp).toBe(77)
    expect(b1!.baseOffset).toBe(1)
    expect(log.latestOffset()).toEqual({ offset: 3, leaderEpoch: 3 })
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 1 })
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 0, endOffset: 1 })
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 3, endOffset: 3 })
    await m.close()
  })

  it('rejects bytes that are not whole batches without consuming offsets', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    const m = await open(dir, clock, () => logConfig())
    const log = await m.createLog('t', 0, { topicId: null })
    const good = batchOf([{ timestamp: 1, value: Buffer.from('v') }])
    await expect(log.append(good.subarray(0, good.length - 1))).rejects.toThrow(/no whole v2 batch/)
    await expect(log.append(Buffer.alloc(0))).rejects.toThrow(/no batches/)
    expect((await log.append(good)).baseOffset).toBe(0)
    await m.close()
  })

  it('waitForAppend resolves on the append that passes the offset, or false on abort or close', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    const m = await open(dir, clock, () => logConfig())
    const log = await m.createLog('t', 0, { topicId: null })
    const waiting = log.waitForAppend(0)
    const aborted = new AbortController()
    const cancelled = log.waitForAppend(5, aborted.signal)
    aborted.abort()
    expect(await cancelled).toBe(false)
    await log.append(batchOf([{ timestamp: 1, value: Buffer.from('v') }]))
    expect(await waiting).toBe(true)
    const pending = log.waitForAppend(5)
    await m.close()
    expect(await pending).toBe(false)
    expect(await log.waitForAppend(5)).toBe(false)
  })
})
