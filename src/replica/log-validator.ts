/**
 * Validates one partition's produced records as Kafka does before an append: the checks of
 * ProduceRequest.validateRecords (produce-framing.ts), UnifiedLog.analyzeAndValidateRecords
 * and LogValidator (origin CLIENT, magic 2), in Kafka's order, with Kafka's error codes.
 *
 * Bytes stay bytes: a batch that needs no change is returned as the request's own memory,
 * and the header alone settles it unless a rule needs the records (a compacted topic's keys,
 * finite message.timestamp.*.max.ms bounds, a producer's LogAppendTime, recompression).
 * Header edits (LogAppendTime, a corrected max timestamp) are made in the request's buffer,
 * as Kafka edits its request ByteBuffer: each produce request owns its frame, and the log
 * writes the base offset into the same bytes. Only recompression allocates a new batch.
 *
 * Where Brook does less than Kafka: Kafka decompresses every compressed batch to iterate its
 * records even when no rule needs them; Brook does not, so records that do not parse inside
 * an otherwise valid batch are stored as sent unless a rule makes Brook read them.
 *
 *   const result = await validateProduceRecords({ records, apiVersion, config, now, topicPartition: 'orders-0' })
 *   if (!result.ok) partitionResponse.errorCode = result.error.errorCode
 *   else await log.append(result.batch.records)
 */
import { ErrorCode } from '../protocol/error-codes.js'
import { COMPRESSION_MASK, CompressionType, TIMESTAMP_TYPE_BIT, TimestampType } from '../protocol/records/attributes.js'
import { BATCH, BatchHeader, writeInt64 } from '../protocol/records/batch-header.js'
import { CompressionError, decompress } from '../protocol/records/compression/index.js'
import { CorruptRecordError } from '../protocol/records/record-reader.js'
import { frameProduceBatch } from './produce-framing.js'
import { checkRecords, recordErrorsAnswer, recordsNeedScan, type RecordCheck, type RecordRules } from './record-checks.js'
import { MalformedRecordsError } from './record-scan.js'
import { rebuildBatch } from './rebuild-batch.js'
import { targetCompression, type ValidatorConfig } from './validator-config.js'
import type { PartitionError, ProduceValidation, Rewrite } from './validation-types.js'

export type { PartitionError, ProduceValidation, Rewrite, ValidatedBatch } from './validation-types.js'

export interface ProduceValidationInput {
  /** The partition's records field as decoded from the Produce request. */
  records: Buffer | null
  /** The Produce request's version (zstd needs v7+). */
  apiVersion: number
  config: ValidatorConfig
  /** The broker clock's now, in ms: timestamp bounds and LogAppendTime. */
  now: number
  /** `topic-partition`, as Kafka's messages name it. */
  topicPartition: string
}

const MAX_CODEC = CompressionType.Zstd
const NO_PRODUCER_ID = -1

function failure(errorCode: ErrorCode, detail: string): ProduceValidation {
  return { ok: false, error: { errorCode, errorMessage: null, recordErrors: [], detail } }
}

function rejectedRecords(check: RecordCheck): ProduceValidation {
  const { errorCode, errorMessage } = recordErrorsAnswer(check)
  const error: PartitionError = { errorCode, errorMessage, recordErrors: check.errors, detail: errorMessage }
  return { ok: false, error }
}

/** UnifiedLog.analyzeAndValidateRecords for the one batch, then LogValidator.validateBatch. */
function checkHeader(h: BatchHeader, config: ValidatorConfig, tp: string): ProduceValidation | null {
  if (h.baseOffset !== 0)
    return failure(ErrorCode.INVALID_RECORD, `The baseOffset of the record batch in the append to ${tp} should be 0, but it is ${h.baseOffset}`)
  const size = h.sizeInBytes
  if (size > config.maxMessageBytes)
    return failure(
      ErrorCode.MESSAGE_TOO_LARGE,
      `The record batch size in the append to ${tp} is ${size} bytes which exceeds the maximum configured value of ${config.maxMessageBytes}.`,
    )
  if (size < BATCH.RECORDS || !h.crcMatches())
    return failure(ErrorCode.CORRUPT_MESSAGE, `Record is corrupt (stored crc = ${h.crc}) in topic partition ${tp}.`)
  const codec = h.attributes & COMPRESSION_MASK
  // Kafka's CompressionType.forId throws IllegalArgumentException here, which Produce answers as an unknown error.
  if (codec > MAX_CODEC) return failure(ErrorCode.UNKNOWN_SERVER_ERROR, `Unknown compression type id: ${codec}`)
  const lastOffset = h.lastOffsetDelta
  const count = h.recordCount
  if (lastOffset + 1 <= 0)
    return failure(ErrorCode.INVALID_RECORD, `Batch has an invalid offset range: [0, ${lastOffset}] in topic partition ${tp}`)
  if (count <= 0)
    return failure(ErrorCode.INVALID_RECORD, `Invalid reported count for record batch: ${count} in topic partition ${tp}`)
  if (lastOffset + 1 !== count)
    return failure(
      ErrorCode.INVALID_RECORD,
      `Inconsistent batch offset range [0, ${lastOffset}] and count of records ${count} in topic partition ${tp}`,
    )
  if (h.isControl)
    return failure(ErrorCode.INVALID_RECORD, `Clients are not allowed to write control records in topic partition ${tp}`)
  if (h.producerId > NO_PRODUCER_ID && h.baseSequence < 0)
    return failure(
      ErrorCode.INVALID_RECORD,
      `Invalid sequence number ${h.baseSequence} in record batch with producerId ${h.producerId} in topic partition ${tp}`,
    )
  return null
}

/**
 * Kafka's DefaultRecordBatch.setMaxTimestamp: sets the timestamp type bit and max timestamp,
 * then the CRC; a no-op when both already match. Returns whether it changed the batch.
 */
function setMaxTimestamp(h: BatchHeader, type: TimestampType, maxTimestamp: number): boolean {
  if (h.timestampType === type && h.maxTimestamp === maxTimestamp) return false
  const attributes = h.attributes & ~TIMESTAMP_TYPE_BIT
  h.buffer.writeInt16BE(type === TimestampType.LogAppendTime ? attributes | TIMESTAMP_TYPE_BIT : attributes, h.position + BATCH.ATTRIBUTES)
  writeInt64(h.buffer, h.position + BATCH.MAX_TIMESTAMP, maxTimestamp)
  h.updateCrc()
  return true
}

/** Decompresses the batch's records; a codec failure is the partition's answer. */
async function decompressed(h: BatchHeader): Promise<Buffer | ProduceValidation> {
  try {
    return await decompress(h.compression, h.buffer.subarray(h.recordsStart, h.end))
  } catch (err) {
    if (!(err instanceof CompressionError)) throw err
    // Kafka's record iterator wraps the codec's IOException in a KafkaException: an unknown server error.
    return failure(ErrorCode.UNKNOWN_SERVER_ERROR, `Failed to decompress record stream: ${err.message}`)
  }
}

function malformed(err: unknown): ProduceValidation {
  if (err instanceof MalformedRecordsError || err instanceof CorruptRecordError)
    return failure(ErrorCode.INVALID_RECORD, err.message)
  throw err
}

/**
 * Validates a partition's records field from a Produce request; see the module comment.
 * Synchronous unless the records must be decompressed or recompressed: an uncompressed batch,
 * the usual case, costs no promise.
 */
export function validateProduceRecords(input: ProduceValidationInput): ProduceValidation | Promise<ProduceValidation> {
  const { config, now, topicPartition } = input
  const framed = frameProduceBatch(input.records, input.apiVersion)
  if (!framed.ok) return framed
  const h = BatchHeader.view(framed.batch, 0)
  const headerError = checkHeader(h, config, topicPartition)
  if (headerError !== null) return headerError

  const source = h.compression
  const target = targetCompression(config, source)
  const logAppendTime = config.messageTimestampType === 'LogAppendTime' ? now : -1
  const rules: RecordRules = {
    compacted: config.cleanupPolicy.includes('compact'),
    timestampType: config.messageTimestampType,
    beforeMaxMs: config.messageTimestampBeforeMaxMs,
    afterMaxMs: config.messageTimestampAfterMaxMs,
    now,
    topicPartition,
  }
  const v: Validation = { h, config, topicPartition, target, logAppendTime, inPlace: source === target.type, check: null, region: null }
  if (!v.inPlace || recordsNeedScan(h, rules)) {
    if (source !== CompressionType.None) return decompressed(h).then((records) => (Buffer.isBuffer(records) ? (checked(v, records, rules) ?? finish(v)) : records))
    const rejection = checked(v, h.buffer.subarray(h.recordsStart, h.end), rules)
    if (rejection !== null) return rejection
  }
  return finish(v)
}

/** One validation's state between its steps. */
interface Validation {
  readonly h: BatchHeader
  readonly config: ValidatorConfig
  readonly topicPartition: string
  readonly target: ReturnType<typeof targetCompression>
  readonly logAppendTime: number
  inPlace: boolean
  check: RecordCheck | null
  /** The uncompressed records, once read. */
  region: Buffer | null
}

/** Checks the records in `region`: the partition's rejection, or null to go on. */
function checked(v: Validation, region: Buffer, rules: RecordRules): ProduceValidation | null {
  v.region = region
  try {
    v.check = checkRecords(v.h, region, rules)
  } catch (err) {
    return malformed(err)
  }
  if (v.check.errors.length > 0) return rejectedRecords(v.check)
  // Kafka rewrites a compressed batch whose inner offsets are not 0..n-1 (old clients).
  if (v.h.compression !== CompressionType.None && !v.check.offsetsInOrder) v.inPlace = false
  return null
}

/** The last steps: the header edits in place, or a rebuilt batch (asynchronous: it compresses). */
function finish(v: Validation): ProduceValidation | Promise<ProduceValidation> {
  const { h, logAppendTime, check } = v
  if (!v.inPlace) return rebuilt(v)
  const changed =
    logAppendTime >= 0
      ? setMaxTimestamp(h, TimestampType.LogAppendTime, logAppendTime)
      : check !== null && setMaxTimestamp(h, TimestampType.CreateTime, check.maxTimestamp)
  return accepted(v, h.buffer, changed ? 'in-place' : 'none')
}

async function rebuilt(v: Validation): Promise<ProduceValidation> {
  const { h, config, logAppendTime } = v
  let bytes: Buffer
  try {
    bytes = await rebuildBatch(h, v.region!, v.target, logAppendTime >= 0 ? logAppendTime : null)
  } catch (err) {
    return malformed(err)
  }
  if (bytes.length > config.maxMessageBytes)
    return failure(
      ErrorCode.MESSAGE_TOO_LARGE,
      `Message batch size is ${bytes.length} bytes in append to partition ${v.topicPartition} which exceeds the maximum configured size of ${config.maxMessageBytes}.`,
    )
  return accepted(v, bytes, 'rebuilt')
}

function accepted(v: Validation, bytes: Buffer, rewrite: Rewrite): ProduceValidation {
  if (bytes.length > v.config.segmentBytes)
    return failure(
      ErrorCode.RECORD_LIST_TOO_LARGE,
      `Message batch size is ${bytes.length} bytes in append to partition ${v.topicPartition}, which exceeds the maximum configured segment size of ${v.config.segmentBytes}.`,
    )
  const out = bytes === v.h.buffer ? v.h : BatchHeader.view(bytes, 0)
  return {
    ok: true,
    batch: {
      records: bytes,
      rewrite,
      recordCount: out.recordCount,
      lastOffsetDelta: out.lastOffsetDelta,
      maxTimestamp: out.maxTimestamp,
      logAppendTime: v.logAppendTime,
      producerId: out.producerId,
      producerEpoch: out.producerEpoch,
      baseSequence: out.baseSequence,
      transactional: out.isTransactional,
      sourceCompression: v.h.compression,
      compression: out.compression,
    },
  }
}
