/**
 * The first produce check, before any log is involved (Kafka's ProduceRequest.validateRecords
 * over MemoryRecords' batch iterator): a partition's records field must hold exactly one
 * whole batch of magic 2, and zstd needs Produce v7+.
 *
 * The iterator's rules decide the edge cases, so they are kept: a length below 14 or a magic
 * outside 0..2 is CORRUPT_MESSAGE; a batch that runs past the field is no batch at all (so a
 * lone truncated batch is INVALID_RECORD "no batch", and bytes after the one whole batch that
 * do not make a second are dropped, as Kafka's trimInvalidBytes drops them).
 */
import { ErrorCode } from '../protocol/error-codes.js'
import { COMPRESSION_MASK, CompressionType } from '../protocol/records/attributes.js'
import { BATCH, MAGIC_V2 } from '../protocol/records/batch-header.js'
import type { PartitionError } from './validation-types.js'

/** LegacyRecord.RECORD_OVERHEAD_V0: the smallest length any message format allows. */
const MIN_RECORD_OVERHEAD = 14
/** Bytes up to and including the magic byte. */
const HEADER_UP_TO_MAGIC = BATCH.MAGIC + 1
const MAX_MAGIC = MAGIC_V2

export type Framing = { ok: true; batch: Buffer } | { ok: false; error: PartitionError }

function failure(errorCode: ErrorCode, detail: string): Framing {
  return { ok: false, error: { errorCode, errorMessage: null, recordErrors: [], detail } }
}

/** The size of the whole batch at `pos`, null when there is none, or the iterator's CORRUPT_MESSAGE. */
function nextBatchSize(buf: Buffer, pos: number): number | null | Framing {
  const remaining = buf.length - pos
  if (remaining < BATCH.LOG_OVERHEAD) return null
  const length = buf.readInt32BE(pos + BATCH.LENGTH)
  if (length < MIN_RECORD_OVERHEAD)
    return failure(ErrorCode.CORRUPT_MESSAGE, `Record size ${length} is less than the minimum record overhead (${MIN_RECORD_OVERHEAD})`)
  if (remaining < HEADER_UP_TO_MAGIC) return null
  const magic = buf.readInt8(pos + BATCH.MAGIC)
  if (magic < 0 || magic > MAX_MAGIC) return failure(ErrorCode.CORRUPT_MESSAGE, `Invalid magic found in record: ${magic}`)
  const size = length + BATCH.LOG_OVERHEAD
  return size <= remaining ? size : null
}

/** Finds the produce request's one batch in a partition's records field. */
export function frameProduceBatch(records: Buffer | null, apiVersion: number): Framing {
  const prefix = `Produce requests with version ${apiVersion}`
  const first = records === null ? null : nextBatchSize(records, 0)
  if (first === null || records === null)
    return failure(ErrorCode.INVALID_RECORD, `${prefix} must have at least one record batch per partition`)
  if (typeof first !== 'number') return first
  if (records.readInt8(BATCH.MAGIC) !== MAGIC_V2)
    return failure(ErrorCode.INVALID_RECORD, `${prefix} are only allowed to contain record batches with magic version 2`)
  if (apiVersion < 7 && (records.readInt16BE(BATCH.ATTRIBUTES) & COMPRESSION_MASK) === CompressionType.Zstd)
    return failure(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `${prefix} are not allowed to use ZStandard compression`)
  const second = nextBatchSize(records, first)
  if (typeof second === 'number')
    return failure(ErrorCode.INVALID_RECORD, `${prefix} are only allowed to contain exactly one record batch per partition`)
  if (second !== null) return second
  return { ok: true, batch: first === records.length ? records : records.subarray(0, first) }
}
