/** The public types of PartitionLog: what Produce, Fetch and ListOffsets exchange with it. */
import type { Scheduler } from './clock.js'
import type { LeaderEpochCache } from './leader-epoch-cache.js'
import type { LogSegment, SegmentContext } from './log-segment.js'
import type { AppendOrigin } from './producer-state/producer-append-info.js'

export interface LogContext extends SegmentContext {
  readonly scheduler: Scheduler
  /** Called when the log start offset moves, so the log-start-offset checkpoint is written soon. */
  readonly onLogStartOffsetChange: () => void
}

export interface AppendOptions {
  /** Stamp every batch with this partition leader epoch (the leader's current epoch). */
  leaderEpoch?: number
  /**
   * The LogAppendTime the caller (the produce validator) already stamped on the batches of a
   * LogAppendTime topic: the log reports it instead of stamping its own, sparing a CRC pass.
   */
  logAppendTime?: number
  /**
   * Who appends (Kafka's AppendOrigin). Default 'coordinator', for the broker's own writes
   * (coordinators, markers): producer epochs are checked, sequences are not. Produce passes
   * 'client': its producer batches also get the duplicate and sequence checks.
   */
  origin?: AppendOrigin
}

export interface AppendResult {
  /** Offset assigned to the first record. */
  baseOffset: number
  lastOffset: number
  /** The time stamped on the batches for a LogAppendTime topic, else -1 (Kafka's ProduceResponse field). */
  logAppendTime: number
  logStartOffset: number
}

/** Where a read gets the memory it reads into. */
export interface ReadBuffers {
  /** `size` bytes, uninitialized. */
  take(size: number): Buffer
}

export interface ReadOptions {
  /** Return the first batch even if it is larger than maxBytes (Kafka: true for the first partition of a fetch). Default true. */
  minOneMessage?: boolean
  /** Return no batch at or past this offset (read_committed reads stop at the last stable offset). */
  maxOffset?: number
  /** Fetch reads into buffers that return to a pool once sent (network/send-buffer-pool.ts). Default: new ones. */
  buffers?: ReadBuffers
}

export interface ReadResult {
  /** ErrorCode.NONE, or OFFSET_OUT_OF_RANGE when the offset is outside [logStartOffset, logEndOffset]. */
  errorCode: number
  /** Whole batches as on disk, ready to send; empty at the log end or when nothing fits. */
  records: Buffer
  /** The offset after the last batch in `records`; -1 when it is empty. */
  nextOffset: number
  highWatermark: number
  logStartOffset: number
  logEndOffset: number
}

export interface OffsetAndEpoch {
  offset: number
  /** Leader epoch of the batch at `offset`, -1 if unknown. */
  leaderEpoch: number
}

/** A record found by timestamp (ListOffsets): its offset, its batch's epoch and its timestamp. */
export type OffsetAndTimestamp = OffsetAndEpoch & { timestamp: number }

/** The log's segments and offsets as found on disk (log-loader.ts). */
export interface LoadedLog {
  segments: LogSegment[]
  logStartOffset: number
  logEndOffset: number
  recoveryPoint: number
  epochs: LeaderEpochCache
  topicId: string | null
  /** Opened after a clean shutdown (or created empty): producer state loads from its snapshot alone. */
  cleanShutdown: boolean
  /** Offsets that recovery read and found no batch with a producer id in: replaying producer state skips them. */
  producerFree?: OffsetRange
}

/** Offsets [from, to). */
export interface OffsetRange {
  readonly from: number
  readonly to: number
}

/** The batches given to append are not whole v2 batches. */
export class InvalidBatchError extends Error {}
/** The log was closed or deleted. */
export class LogClosedError extends Error {}
