/**
 * Fetch's read of a partition log: the offset checked against the log's bounds, whole batches
 * from the segment holding it, cut at maxOffset for read_committed, and one retry when
 * retention deletes a segment under the read.
 */
import { ErrorCode } from '../protocol/error-codes.js'
import { BATCH, readInt64 } from '../protocol/records/batch-header.js'
import { isNotFound } from './file-io.js'
import type { LogSegment } from './log-segment.js'
import type { BatchRange } from './segment-lookup.js'
import type { ReadOptions, ReadResult } from './partition-log-types.js'

/** What a read looks at; each attempt reads it afresh, since retention and appends replace it. */
export interface ReadableLog {
  readonly segments: readonly LogSegment[]
  readonly logStartOffset: number
  readonly logEndOffset: number
  readonly highWatermark: number
}

const EMPTY = Buffer.alloc(0)

/** The whole batches of `range` that start below `maxOffset`, and the offset after them. */
function batchesBelow(range: BatchRange, maxOffset: number): { records: Buffer; nextOffset: number } {
  const { records } = range
  let end = 0
  let nextOffset = -1
  while (end + BATCH.RECORDS <= records.length) {
    const base = readInt64(records, end + BATCH.BASE_OFFSET)
    if (base >= maxOffset) break
    nextOffset = base + records.readInt32BE(end + BATCH.LAST_OFFSET_DELTA) + 1
    end += records.readInt32BE(end + BATCH.LENGTH) + BATCH.LOG_OVERHEAD
  }
  return end === records.length ? range : { records: records.subarray(0, end), nextOffset }
}

/** The index of the segment that may hold `offset`: the last one based at or below it. */
function segmentIndexFor(segments: readonly LogSegment[], offset: number): number {
  let lo = 0
  let hi = segments.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (segments[mid]!.baseOffset <= offset) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** Whole batches from `offset`, up to `maxBytes` (at least one batch unless minOneMessage is false). */
export async function readLog(log: ReadableLog, offset: number, maxBytes: number, opts: ReadOptions): Promise<ReadResult> {
  const minOne = opts.minOneMessage ?? true
  for (let attempt = 0; ; attempt++) {
    const segments = log.segments
    const result: ReadResult = {
      errorCode: ErrorCode.NONE, records: EMPTY, nextOffset: -1,
      highWatermark: log.highWatermark, logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset,
    }
    if (offset < result.logStartOffset || offset > result.logEndOffset) return { ...result, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE }
    if (offset === result.logEndOffset) return result
    const maxOffset = opts.maxOffset ?? result.logEndOffset
    if (offset >= maxOffset) return result
    try {
      for (let i = segmentIndexFor(segments, offset); i < segments.length; i++) {
        const range = await segments[i]!.read(offset, maxBytes, minOne, opts.buffers)
        if (range === null) continue
        const { records, nextOffset } = maxOffset < result.logEndOffset ? batchesBelow(range, maxOffset) : range
        return { ...result, records, nextOffset: records.length > 0 ? nextOffset : -1 }
      }
      return result
    } catch (err) {
      // Retention deleted the segment under this read: try again against the current segments.
      if (!isNotFound(err) || attempt > 0) throw err
    }
  }
}
