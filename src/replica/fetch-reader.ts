/**
 * Kafka's ReplicaManager.readFromLog for one Fetch: reads the requested partitions, in request
 * order, under the response's byte budget, with Kafka's rules:
 *   - partition i returns at most min(its partitionMaxBytes, maxBytes - bytes of partitions before it);
 *   - KIP-74: until some partition has returned data, the first batch is returned whole even if
 *     it exceeds those limits, so a batch larger than the limits cannot stall a consumer;
 *   - the checks of Kafka's Partition.fetchRecords come first: topic id, current leader epoch
 *     (v9+), the replica a follower fetch claims to be, the last fetched epoch (v12+), the range.
 *
 * Reads run concurrently (at most MAX_CONCURRENT_READS) without changing the answer: a read
 * is started with a limit that is never below the one Kafka's serial loop would give it (the
 * bytes of earlier reads still in flight are not subtracted), but only while what is in flight
 * or not yet settled fits in what is left of maxBytes, so memory stays within it. Results
 * settle in request order: each is cut to its exact limit at a batch boundary as soon as all
 * before it are in. Batches stay the bytes read from the file: cutting is a subarray, nothing
 * is copied or decoded.
 */
import { ErrorCode } from '../protocol/error-codes.js'
import { BATCH } from '../protocol/records/batch-header.js'
import { ZERO_UUID } from '../protocol/primitives/uuid.js'
import type { PartitionLog } from '../storage/partition-log.js'
import type { ReadBuffers } from '../storage/partition-log-types.js'
import type { AbortedTxn } from '../storage/producer-state/producer-state-manager.js'
import type { PartitionFetchParams, TopicIdPartition } from './fetch-session.js'

/** The part of a PartitionLog a fetch reads. */
export type FetchableLog = Pick<
  PartitionLog,
  'read' | 'logStartOffset' | 'logEndOffset' | 'highWatermark' | 'lastStableOffset' | 'collectAbortedTransactions' | 'topicId' | 'endOffsetForEpoch'
>

export interface PartitionRead {
  readonly tp: TopicIdPartition
  /** Null when the topic exists but this node holds no log for the partition. */
  readonly log: FetchableLog | null
  readonly params: PartitionFetchParams
}

export interface ReadSettings {
  /** The response's byte budget (the request's maxBytes capped by fetch.max.bytes). */
  readonly maxBytes: number
  /** A fetch from a replica (replica id >= 0): Brook has no followers, so it is refused per partition. */
  readonly fromFollower: boolean
  /** The leader epoch of every partition on this node. */
  readonly leaderEpoch: number
  /** Maps a failed read (an I/O error, a log deleted under the read) to the partition's error code. */
  readonly readError: (read: PartitionRead, err: unknown) => number
  /** isolation_level 1 from a consumer: reads stop at the last stable offset and list the aborted transactions. */
  readonly readCommitted?: boolean
  /** Where the reads get their memory (a pool the connection refills once the answer is sent); default new buffers. */
  readonly buffers?: ReadBuffers
}

/** Kafka's LogReadResult, in storage numbers. Offsets are -1 on an error, as Kafka answers them. */
export interface LogReadResult {
  errorCode: number
  /** Whole batches as on disk; empty (never null) when there is nothing to return. */
  records: Buffer
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  /** The log end offset when the read started (-1 on an error): a delayed fetch waits for it to grow. */
  logEndOffset: number
  /** v12+: the fetcher's last fetched epoch is not on this log; it must truncate to here. */
  divergingEpoch: { epoch: number; endOffset: number } | null
  /** read_committed: the aborted transactions overlapping `records` (Kafka's collectAbortedTransactions); else null. */
  abortedTransactions: AbortedTxn[] | null
}

/** Reads in flight per Fetch: the libuv thread pool has four threads by default. */
export const MAX_CONCURRENT_READS = 4

const EMPTY = Buffer.alloc(0)

export function errorResult(errorCode: number): LogReadResult {
  return { errorCode, records: EMPTY, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, logEndOffset: -1, divergingEpoch: null, abortedTransactions: null }
}

/** The partition's offsets with no records: the answer when there is no room left, or the epochs diverge. */
function emptyResult(log: FetchableLog, divergingEpoch: LogReadResult['divergingEpoch'] = null): LogReadResult {
  return {
    errorCode: ErrorCode.NONE, records: EMPTY, highWatermark: log.highWatermark, lastStableOffset: log.lastStableOffset,
    logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, divergingEpoch, abortedTransactions: null,
  }
}

/** Kafka's Partition.checkCurrentLeaderEpoch: a negative epoch is "not given". */
function leaderEpochError(requested: number, current: number): number {
  if (requested < 0 || requested === current) return ErrorCode.NONE
  return requested < current ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH
}

/**
 * What Kafka decides before touching the log (ReplicaManager.read and Partition.fetchRecords),
 * or null when the partition is to be read.
 */
function precheck(read: PartitionRead, settings: ReadSettings): LogReadResult | null {
  const { log, tp, params } = read
  if (log === null) return errorResult(ErrorCode.NOT_LEADER_OR_FOLLOWER)
  if (tp.topicId !== ZERO_UUID && log.topicId !== null && log.topicId !== tp.topicId) return errorResult(ErrorCode.INCONSISTENT_TOPIC_ID)
  const epochError = leaderEpochError(params.currentLeaderEpoch, settings.leaderEpoch)
  if (epochError !== ErrorCode.NONE) return errorResult(epochError)
  // Kafka knows only the assigned replicas other than itself; with a leader epoch the answer is "retry later".
  if (settings.fromFollower) return errorResult(params.currentLeaderEpoch >= 0 ? ErrorCode.UNKNOWN_LEADER_EPOCH : ErrorCode.NOT_LEADER_OR_FOLLOWER)
  const offset = Number(params.fetchOffset)
  if (params.lastFetchedEpoch >= 0) {
    const end = log.endOffsetForEpoch(params.lastFetchedEpoch)
    if (end.epoch < 0 || end.endOffset < 0 || offset < log.logStartOffset) return errorResult(ErrorCode.OFFSET_OUT_OF_RANGE)
    if (end.epoch < params.lastFetchedEpoch || end.endOffset < offset) return emptyResult(log, { epoch: end.epoch, endOffset: end.endOffset })
  }
  if (offset < log.logStartOffset || offset > log.logEndOffset) return errorResult(ErrorCode.OFFSET_OUT_OF_RANGE)
  return null
}

async function readOne(read: PartitionRead, log: FetchableLog, limit: number, minOneMessage: boolean, settings: ReadSettings): Promise<LogReadResult> {
  try {
    const offset = Number(read.params.fetchOffset)
    const lastStableOffset = log.lastStableOffset
    const maxOffset = settings.readCommitted === true ? lastStableOffset : undefined
    const r = await log.read(offset, limit, { minOneMessage, maxOffset, buffers: settings.buffers })
    if (r.errorCode !== ErrorCode.NONE) return errorResult(r.errorCode)
    return {
      errorCode: ErrorCode.NONE,
      records: r.records,
      highWatermark: r.highWatermark,
      lastStableOffset,
      logStartOffset: r.logStartOffset,
      logEndOffset: r.logEndOffset,
      divergingEpoch: null,
      // The aborted transactions overlapping the batches read (Kafka's collectAbortedTransactions up to their end).
      abortedTransactions: settings.readCommitted === true ? (r.nextOffset < 0 ? [] : await log.collectAbortedTransactions(offset, r.nextOffset)) : null,
    }
  } catch (err) {
    return errorResult(settings.readError(read, err))
  }
}

/** Reads every partition (see the header); results are in request order. */
export async function readPartitions(reads: readonly PartitionRead[], settings: ReadSettings): Promise<LogReadResult[]> {
  const results = new Array<LogReadResult | undefined>(reads.length)
  // Results [0, done) are final: cut exactly as Kafka's serial loop would have read them.
  let done = 0
  let remaining = settings.maxBytes
  let minOne = true
  // Bytes of completed reads past `done`, and the limits of reads in flight: memory not yet final.
  let unsettled = 0
  let reserved = 0
  let inFlight = 0
  let next = 0
  const settle = (): void => {
    for (let r = results[done]; r !== undefined; r = results[++done]) {
      unsettled -= r.records.length
      const limit = Math.min(reads[done]!.params.maxBytes, remaining)
      if (r.records.length > limit) r.records = r.records.subarray(0, wholeBatches(r.records, limit, minOne))
      if (r.records.length > 0) minOne = false
      remaining = Math.max(0, remaining - r.records.length)
    }
  }
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      settle()
      while (next < reads.length && inFlight < MAX_CONCURRENT_READS) {
        const i = next
        const read = reads[i]!
        // Never below Kafka's limit for this partition: reads still in flight may return less than assumed here.
        const limit = Math.min(read.params.maxBytes, remaining)
        const early = precheck(read, settings) ?? (limit === 0 && !minOne ? emptyResult(read.log!) : null)
        if (early !== null) {
          results[i] = early
          unsettled += early.records.length
          next++
          settle()
          continue
        }
        if (inFlight > 0 && reserved + unsettled + limit > remaining) break
        next++
        inFlight++
        reserved += limit
        void readOne(read, read.log!, limit, minOne, settings).then((result) => {
          results[i] = result
          inFlight--
          reserved -= limit
          unsettled += result.records.length
          pump()
        })
      }
      if (next === reads.length && inFlight === 0) resolve()
    }
    pump()
  })
  return results as LogReadResult[]
}

/** Bytes of the whole batches at the start of `records` that fit in `limit`; the first batch at least when `minOne`. */
export function wholeBatches(records: Buffer, limit: number, minOne: boolean): number {
  let end = 0
  while (end + BATCH.RECORDS <= records.length) {
    const size = records.readInt32BE(end + BATCH.LENGTH) + BATCH.LOG_OVERHEAD
    if (end + size > limit) return end === 0 && minOne ? size : end
    end += size
  }
  return end
}
