import { describe, expect, it } from 'vitest'
import { batchOf, rng, tempDir } from '../../test/storage/helpers.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { randomUuid, ZERO_UUID } from '../protocol/primitives/uuid.js'
import { ManualClock } from '../storage/clock.js'
import { logConfig } from '../storage/log-config.js'
import { LogManager } from '../storage/log-manager.js'
import type { PartitionLog } from '../storage/partition-log.js'
import { MAX_CONCURRENT_READS, readPartitions, wholeBatches, type FetchableLog, type PartitionRead, type ReadSettings } from './fetch-reader.js'
import type { PartitionFetchParams } from './fetch-session.js'

async function openLogs(segmentBytes = 1 << 30): Promise<LogManager> {
  const clock = new ManualClock()
  return LogManager.open({ logDirs: [await tempDir()], clock, scheduler: clock, configFor: () => logConfig({ segmentBytes }) })
}

const settings = (maxBytes: number, over: Partial<ReadSettings> = {}): ReadSettings => ({
  maxBytes,
  fromFollower: false,
  leaderEpoch: 0,
  readError: () => ErrorCode.KAFKA_STORAGE_ERROR,
  ...over,
})

function params(over: Partial<PartitionFetchParams> = {}): PartitionFetchParams {
  return { fetchOffset: 0n, logStartOffset: -1n, maxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1, ...over }
}

const readOf = (log: FetchableLog | null, p: Partial<PartitionFetchParams> = {}, topicId = ZERO_UUID): PartitionRead => ({
  tp: { topic: 't', topicId, partition: 0 },
  log,
  params: params(p),
})

/** Appends batches of the given value sizes, one record each. */
async function fill(log: PartitionLog, sizes: number[]): Promise<void> {
  for (const size of sizes) await log.append(batchOf([{ timestamp: 1, value: Buffer.alloc(size, 7) }]))
}

/** Kafka's readFromLocalLog, one partition after the other: what the concurrent reader must equal. */
async function serialOracle(reads: PartitionRead[], maxBytes: number): Promise<Buffer[]> {
  let limit = maxBytes
  let minOne = true
  const out: Buffer[] = []
  for (const r of reads) {
    const res = await r.log!.read(Number(r.params.fetchOffset), Math.min(r.params.maxBytes, limit), { minOneMessage: minOne })
    out.push(res.records)
    if (res.records.length > 0) minOne = false
    limit = Math.max(0, limit - res.records.length)
  }
  return out
}

describe('readPartitions', () => {
  it('equals Kafka serial reads for random partitions, batch sizes, offsets and limits', async () => {
    const logs = await openLogs(20_000)
    const r = rng(42)
    const parts: PartitionLog[] = []
    for (let p = 0; p < 12; p++) {
      const log = await logs.createLog('t', p, { topicId: null })
      const sizes = Array.from({ length: r.int(0, 30) }, () => r.pick([10, 200, 900, 3000, 12_000]))
      await fill(log, sizes)
      parts.push(log)
    }
    for (let round = 0; round < 300; round++) {
      const chosen = parts.filter(() => r.int(0, 3) > 0)
      const reads = chosen.map((log) => readOf(log, { fetchOffset: BigInt(r.int(0, log.logEndOffset)), maxBytes: r.pick([0, 100, 1000, 5000, 1 << 20]) }))
      const maxBytes = r.pick([0, 500, 4000, 20_000, 100_000])
      const got = await readPartitions(reads, settings(maxBytes))
      const want = await serialOracle(reads, maxBytes)
      const summary = (b: Buffer): string => `${b.length}:${b.length > 0 ? b.readInt32BE(4) : '-'}:${b.subarray(0, 64).toString('hex')}`
      expect(got.map((g) => summary(g.records)), JSON.stringify({ maxBytes, reads: reads.map((x) => [Number(x.params.fetchOffset), x.params.maxBytes]) })).toEqual(want.map(summary))
      expect(got.every((g) => g.errorCode === ErrorCode.NONE)).toBe(true)
    }
    await logs.close()
  })

  it('keeps reads in flight within the concurrency bound and their limits within maxBytes', async () => {
    const logs = await openLogs()
    let inFlight = 0
    let peak = 0
    let reservedPeak = 0
    let reserved = 0
    const reads: PartitionRead[] = []
    for (let p = 0; p < 20; p++) {
      const log = await logs.createLog('t', p, { topicId: null })
      await fill(log, [500, 500, 500])
      const counting: FetchableLog = {
        logStartOffset: log.logStartOffset,
        logEndOffset: log.logEndOffset,
        highWatermark: log.highWatermark,
        lastStableOffset: log.lastStableOffset,
        collectAbortedTransactions: (start, end) => log.collectAbortedTransactions(start, end),
        topicId: log.topicId,
        endOffsetForEpoch: (epoch) => log.endOffsetForEpoch(epoch),
        read: async (offset, maxBytes, opts) => {
          inFlight++
          reserved += maxBytes
          peak = Math.max(peak, inFlight)
          reservedPeak = Math.max(reservedPeak, reserved)
          await new Promise((resolve) => setImmediate(resolve))
          const res = await log.read(offset, maxBytes, opts)
          inFlight--
          reserved -= maxBytes
          return res
        },
      }
      reads.push(readOf(counting, { maxBytes: 1000 }))
    }
    const results = await readPartitions(reads, settings(6000))
    expect(peak).toBe(MAX_CONCURRENT_READS)
    expect(reservedPeak).toBeLessThanOrEqual(6000)
    expect(results.reduce((n, r) => n + r.records.length, 0)).toBeLessThanOrEqual(6000)
    await logs.close()
  })

  it("answers Kafka's per-partition errors without reading", async () => {
    const logs = await openLogs()
    const id = randomUuid()
    const log = await logs.createLog('t', 0, { topicId: id })
    await fill(log, [10, 10])
    const results = await readPartitions(
      [
        readOf(null),
        readOf(log, {}, randomUuid()),
        readOf(log, { currentLeaderEpoch: 0 }),
        readOf(log, { currentLeaderEpoch: 1 }),
        readOf(log, { fetchOffset: 3n }),
        readOf(log, { currentLeaderEpoch: 0, fetchOffset: 2n }, id),
      ],
      settings(1000),
    )
    expect(results.map((r) => r.errorCode)).toEqual([
      ErrorCode.NOT_LEADER_OR_FOLLOWER,
      ErrorCode.INCONSISTENT_TOPIC_ID,
      ErrorCode.NONE,
      ErrorCode.UNKNOWN_LEADER_EPOCH,
      ErrorCode.OFFSET_OUT_OF_RANGE,
      ErrorCode.NONE,
    ])
    expect(results[4]).toMatchObject({ highWatermark: -1, logStartOffset: -1, lastStableOffset: -1, logEndOffset: -1 })
    expect(results[5]).toMatchObject({ highWatermark: 2, logStartOffset: 0, lastStableOffset: 2, logEndOffset: 2 })
    const fromFollower = await readPartitions([readOf(log), readOf(log, { currentLeaderEpoch: 0 })], settings(1000, { fromFollower: true }))
    expect(fromFollower.map((r) => r.errorCode)).toEqual([ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.UNKNOWN_LEADER_EPOCH])
    const olderEpoch = await readPartitions([readOf(log, { currentLeaderEpoch: 0 })], settings(1000, { leaderEpoch: 2 }))
    expect(olderEpoch[0]!.errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
    await logs.close()
  })

  it('answers a last fetched epoch the log does not have with where the epochs diverge', async () => {
    const logs = await openLogs()
    const log = await logs.createLog('t', 0, { topicId: null })
    await fill(log, [10, 10, 10])
    const [diverging, matching] = await readPartitions(
      [readOf(log, { fetchOffset: 3n, lastFetchedEpoch: 2 }), readOf(log, { fetchOffset: 1n, lastFetchedEpoch: 0 })],
      settings(1000),
    )
    expect(diverging).toMatchObject({ errorCode: ErrorCode.NONE, divergingEpoch: { epoch: 0, endOffset: 3 }, highWatermark: 3 })
    expect(diverging!.records.length).toBe(0)
    expect(matching!.divergingEpoch).toBeNull()
    expect(matching!.records.length).toBeGreaterThan(0)
    await log.deleteRecordsBefore(2)
    const [gone] = await readPartitions([readOf(log, { fetchOffset: 1n, lastFetchedEpoch: 0 })], settings(1000))
    expect(gone!.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
    await logs.close()
  })

  it('maps a failed read through readError', async () => {
    const failing = { read: () => Promise.reject(new Error('disk gone')), logStartOffset: 0, logEndOffset: 5, highWatermark: 5, lastStableOffset: 5, collectAbortedTransactions: () => Promise.resolve([]), topicId: null, endOffsetForEpoch: () => ({ epoch: 0, endOffset: 5 }) }
    const seen: unknown[] = []
    const [r] = await readPartitions([readOf(failing)], settings(100, { readError: (_read, err) => (seen.push(err), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) }))
    expect(r!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(String(seen[0])).toContain('disk gone')
  })
})

describe('wholeBatches', () => {
  const two = Buffer.concat([batchOf([{ timestamp: 1, value: Buffer.alloc(100) }]), batchOf([{ timestamp: 1, value: Buffer.alloc(100) }])])
  const one = two.length / 2

  it('counts the whole batches that fit, or the first one when minOne', () => {
    expect(wholeBatches(two, two.length, false)).toBe(two.length)
    expect(wholeBatches(two, two.length - 1, false)).toBe(one)
    expect(wholeBatches(two, one - 1, false)).toBe(0)
    expect(wholeBatches(two, 0, true)).toBe(one)
  })
})
