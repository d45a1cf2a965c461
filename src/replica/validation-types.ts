/**
 * What the produce validator answers for one partition: the bytes to append and the facts the
 * append needs, or the partition's error as Kafka's Produce response carries it.
 */
import type { ErrorCode } from '../protocol/error-codes.js'
import type { BatchIndexAndErrorMessage } from '../protocol/generated/produce.js'
import type { CompressionType } from '../protocol/records/attributes.js'

/**
 * How the bytes relate to the request's: `none` is the request's own memory untouched,
 * `in-place` the request's memory with header fields rewritten (LogAppendTime, a corrected
 * max timestamp; CRC recomputed), `rebuilt` new memory (recompressed to the topic's codec).
 */
export type Rewrite = 'none' | 'in-place' | 'rebuilt'

/** The one batch a produce request may carry per partition (Kafka requires exactly one), validated. */
export interface ValidatedBatch {
  /** One v2 batch with baseOffset 0; the log assigns offsets and the leader epoch in place. */
  records: Buffer
  rewrite: Rewrite
  recordCount: number
  /** recordCount - 1: offsets run 0..lastOffsetDelta before the log assigns them. */
  lastOffsetDelta: number
  /**
   * The batch's max timestamp as stored (the append time on LogAppendTime topics). Kafka 3.8+
   * pairs it with the batch's last offset in the time index, so no record offset is needed.
   */
  maxTimestamp: number
  /** The time stamped on a LogAppendTime topic's batch, else -1 (ProduceResponse.logAppendTimeMs). */
  logAppendTime: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  transactional: boolean
  /** The codec the producer used, and the codec of `records`. */
  sourceCompression: CompressionType
  compression: CompressionType
}

export interface PartitionError {
  errorCode: ErrorCode
  /**
   * The partition's error_message as Kafka sends it: only record-level rejections
   * (INVALID_RECORD / INVALID_TIMESTAMP with record errors) carry one; otherwise null.
   */
  errorMessage: string | null
  /** Produce v8+ record_errors: the index of each failing record in the batch and why. */
  recordErrors: BatchIndexAndErrorMessage[]
  /** Why, in Kafka's exception wording, for the broker's log. */
  detail: string
}

export type ProduceValidation = { ok: true; batch: ValidatedBatch } | { ok: false; error: PartitionError }
