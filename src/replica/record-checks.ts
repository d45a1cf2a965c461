/**
 * Kafka's per-record produce checks (LogValidator.validateRecord): a key on compacted topics,
 * CreateTime timestamps within message.timestamp.before/after.max.ms of the broker's clock,
 * and no LogAppendTime from producers. Every record is checked and every failure listed, as
 * Produce v8+ reports them (batch_index is the record's index in its batch). Messages are
 * Kafka's, since clients show them.
 */
import { LONG_MAX } from '../config/config-def.js'
import type { BatchIndexAndErrorMessage } from '../protocol/generated/produce.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { TimestampType } from '../protocol/records/attributes.js'
import type { BatchHeader } from '../protocol/records/batch-header.js'
import type { MessageTimestampType } from '../storage/log-config.js'
import { scanRecords } from './record-scan.js'

export interface RecordRules {
  compacted: boolean
  timestampType: MessageTimestampType
  beforeMaxMs: number
  afterMaxMs: number
  now: number
  /** `topic-partition`, for Kafka's messages. */
  topicPartition: string
}

export interface RecordCheck {
  /** The largest record timestamp (-1 when there is none), which Kafka writes back into the header. */
  maxTimestamp: number
  /** Whether the offset deltas run 0, 1, 2, ...; Kafka rebuilds a compressed batch whose deltas do not. */
  offsetsInOrder: boolean
  errors: BatchIndexAndErrorMessage[]
  /** Some error is a timestamp error: the partition then answers INVALID_TIMESTAMP. */
  invalidTimestamp: boolean
}

const NO_TIMESTAMP = -1
const JAVA_LONG_MAX = 2n ** 63n - 1n

/** Java's `now ± bound` in long arithmetic (Long.MAX_VALUE bounds wrap), for the message only. */
function javaSum(now: number, bound: number, sign: 1n | -1n): bigint {
  const b = BigInt(bound) > JAVA_LONG_MAX ? JAVA_LONG_MAX : BigInt(bound)
  return BigInt.asIntN(64, BigInt(now) + sign * b)
}

/** DefaultRecord.toString. */
function describeRecord(offset: number, timestamp: number, keyLength: number, valueLength: number): string {
  return `DefaultRecord(offset=${offset}, timestamp=${timestamp}, key=${Math.max(keyLength, 0)} bytes, value=${Math.max(valueLength, 0)} bytes)`
}

/**
 * Whether a rule needs the records, or the header settles them: keys on compacted topics,
 * finite timestamp bounds on CreateTime topics, and a producer's LogAppendTime batch
 * (refused on a LogAppendTime topic, read by its max timestamp on a CreateTime one).
 */
export function recordsNeedScan(header: BatchHeader, rules: RecordRules): boolean {
  if (rules.compacted || header.timestampType === TimestampType.LogAppendTime) return true
  return rules.timestampType === 'CreateTime' && (rules.beforeMaxMs < LONG_MAX || rules.afterMaxMs < LONG_MAX)
}

/**
 * Checks the records of `header`'s batch, read from `region` (its uncompressed records).
 * Throws MalformedRecordsError when they do not parse.
 */
export function checkRecords(header: BatchHeader, region: Buffer, rules: RecordRules): RecordCheck {
  const appendTime = header.timestampType === TimestampType.LogAppendTime ? header.maxTimestamp : null
  const baseTimestamp = header.baseTimestamp
  const check: RecordCheck = { maxTimestamp: NO_TIMESTAMP, offsetsInOrder: true, errors: [], invalidTimestamp: false }
  const fail = (batchIndex: number, message: string, timestamp: boolean) => {
    check.errors.push({ batchIndex, batchIndexErrorMessage: message })
    check.invalidTimestamp ||= timestamp
  }
  scanRecords(region, header.recordCount, (index, offsetDelta, timestampDelta, keyLength, valueLength) => {
    const timestamp = appendTime ?? baseTimestamp + timestampDelta
    if (timestamp > check.maxTimestamp) check.maxTimestamp = timestamp
    if (offsetDelta !== index) check.offsetsInOrder = false
    if (rules.compacted && keyLength < 0) {
      fail(index, `Compacted topic cannot accept message without key in topic partition ${rules.topicPartition}`, false)
    } else if (rules.timestampType === 'CreateTime' && timestamp !== NO_TIMESTAMP) {
      const diff = rules.now - timestamp
      if (diff > rules.beforeMaxMs || -diff > rules.afterMaxMs)
        fail(
          index,
          `Timestamp ${timestamp} of message with offset ${offsetDelta} is out of range. The timestamp should be within ` +
            `[${javaSum(rules.now, rules.beforeMaxMs, -1n)}, ${javaSum(rules.now, rules.afterMaxMs, 1n)}]`,
          true,
        )
    } else if (appendTime !== null) {
      fail(
        index,
        `Invalid timestamp type in message ${describeRecord(offsetDelta, timestamp, keyLength, valueLength)}. ` +
          'Producer should not set timestamp type to LogAppendTime.',
        true,
      )
    }
  })
  return check
}

/** Kafka's partition-level answer for record errors (LogValidator.processRecordErrors). */
export function recordErrorsAnswer(check: RecordCheck): { errorCode: ErrorCode; errorMessage: string } {
  if (check.invalidTimestamp)
    return { errorCode: ErrorCode.INVALID_TIMESTAMP, errorMessage: 'One or more records have been rejected due to invalid timestamp' }
  const shown = check.errors
    .slice(0, 3)
    .map((e) => `RecordError(batchIndex=${e.batchIndex}, message=${e.batchIndexErrorMessage === null ? 'null' : `'${e.batchIndexErrorMessage}'`})`)
  return {
    errorCode: ErrorCode.INVALID_RECORD,
    errorMessage:
      `One or more records have been rejected due to ${check.errors.length} record errors in total, ` +
      `and only showing the first three errors at most: [${shown.join(', ')}]`,
  }
}
