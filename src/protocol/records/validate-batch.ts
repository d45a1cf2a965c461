/**
 * Checks one RecordBatch in a Buffer without decoding its records: length, magic 2, CRC-32C,
 * and (for produced batches) that the record count matches the offset range, as Kafka's
 * LogValidator requires. Each failure names the Kafka error a Produce answer carries.
 */
import { BATCH, BatchHeader, MAGIC_V2, MIN_BATCH_LENGTH } from './batch-header.js'

export type BatchError =
  /** Fewer bytes than the header or the declared length. */
  | 'TRUNCATED'
  /** batchLength smaller than a header. */
  | 'INVALID_LENGTH'
  | 'UNSUPPORTED_MAGIC'
  | 'CRC_MISMATCH'
  /** lastOffsetDelta < 0. */
  | 'INVALID_OFFSET_RANGE'
  /** record count != lastOffsetDelta + 1 (or negative). */
  | 'INVALID_RECORD_COUNT'

/** Kafka's answer for each error: CORRUPT_MESSAGE (2) or INVALID_RECORD (87). */
export const kafkaErrorFor: Record<BatchError, 'CORRUPT_MESSAGE' | 'INVALID_RECORD'> = {
  TRUNCATED: 'CORRUPT_MESSAGE',
  INVALID_LENGTH: 'CORRUPT_MESSAGE',
  UNSUPPORTED_MAGIC: 'INVALID_RECORD',
  CRC_MISMATCH: 'CORRUPT_MESSAGE',
  INVALID_OFFSET_RANGE: 'INVALID_RECORD',
  INVALID_RECORD_COUNT: 'INVALID_RECORD',
}

export type BatchCheck =
  | { ok: true; header: BatchHeader; size: number }
  | { ok: false; error: BatchError; message: string }

export interface ValidateOptions {
  /**
   * Require record count == lastOffsetDelta + 1 (true for produced batches; a compacted batch
   * keeps its offset range with fewer records, so recovery passes false). Default true.
   */
  denseOffsets?: boolean
  /** Verify the CRC. Default true. */
  checkCrc?: boolean
}

const fail = (error: BatchError, message: string): BatchCheck => ({ ok: false, error, message })

/** Validates the batch at buf[pos..]; on success returns its header view and size. */
export function validateBatch(buf: Buffer, pos = 0, opts: ValidateOptions = {}): BatchCheck {
  const available = buf.length - pos
  if (available < BATCH.LOG_OVERHEAD) return fail('TRUNCATED', `${available} bytes cannot hold a batch header`)
  const header = BatchHeader.view(buf, pos)
  const length = header.batchLength
  if (length < MIN_BATCH_LENGTH) return fail('INVALID_LENGTH', `batch length ${length} is below ${MIN_BATCH_LENGTH}`)
  const size = length + BATCH.LOG_OVERHEAD
  if (size > available) return fail('TRUNCATED', `batch of ${size} bytes but only ${available} remain`)
  if (header.magic !== MAGIC_V2) return fail('UNSUPPORTED_MAGIC', `magic ${header.magic}; only 2 is supported`)
  if (opts.checkCrc !== false && !header.crcMatches())
    return fail('CRC_MISMATCH', `stored CRC ${header.crc} but computed ${header.computeCrc()}`)
  const delta = header.lastOffsetDelta
  if (delta < 0) return fail('INVALID_OFFSET_RANGE', `lastOffsetDelta ${delta} is negative`)
  const count = header.recordCount
  if (count < 0 || (opts.denseOffsets !== false && count !== delta + 1))
    return fail('INVALID_RECORD_COUNT', `record count ${count} does not match lastOffsetDelta ${delta}`)
  return { ok: true, header, size }
}
