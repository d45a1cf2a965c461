/**
 * The checks Kafka's KafkaApis.handleProduceRequest makes on a Produce request as a whole,
 * before any partition is looked at, and the answer it gives when one fails (every partition
 * carries the error, as ProduceRequest.getErrorResponse builds it).
 *
 * RequestUtils.hasTransactionalRecords peeks at the first batch of each partition until one is
 * transactional. The peek runs Kafka's batch iterator, whose header checks throw: so a first
 * batch with a length below 14 or a magic outside 0..2 fails the whole request with
 * CORRUPT_MESSAGE, not only its partition. A transactional batch in a request without a
 * transactional id fails it with TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
 */
import { ErrorCode } from '../protocol/error-codes.js'
import type { PartitionProduceResponse, ProduceRequest, TopicProduceResponse } from '../protocol/generated/produce.js'
import { TRANSACTIONAL_BIT } from '../protocol/records/attributes.js'
import { BATCH, MAGIC_V2 } from '../protocol/records/batch-header.js'

export interface RequestRejection {
  errorCode: ErrorCode
  /** Kafka's exception message, sent as each partition's error_message (v8+). */
  errorMessage: string
}

/** LegacyRecord.RECORD_OVERHEAD_V0, the iterator's smallest acceptable length. */
const MIN_RECORD_OVERHEAD = 14
const MAX_MAGIC = MAGIC_V2
const NO_BATCH = 0
const PLAIN = 1
const TRANSACTIONAL = 2

/** The first batch of a partition's records as Kafka's iterator sees it, or the iterator's error. */
function peekFirstBatch(records: Buffer | null): typeof NO_BATCH | typeof PLAIN | typeof TRANSACTIONAL | string {
  if (records === null || records.length < BATCH.LOG_OVERHEAD) return NO_BATCH
  const length = records.readInt32BE(BATCH.LENGTH)
  if (length < MIN_RECORD_OVERHEAD) return `Record size ${length} is less than the minimum record overhead (${MIN_RECORD_OVERHEAD})`
  if (records.length <= BATCH.MAGIC) return NO_BATCH
  const magic = records.readInt8(BATCH.MAGIC)
  if (magic < 0 || magic > MAX_MAGIC) return `Invalid magic found in record: ${magic}`
  if (records.length < length + BATCH.LOG_OVERHEAD) return NO_BATCH
  return magic === MAGIC_V2 && (records.readInt16BE(BATCH.ATTRIBUTES) & TRANSACTIONAL_BIT) !== 0 ? TRANSACTIONAL : PLAIN
}

/** Why the whole request is refused, or null when its partitions are handled one by one. */
export function produceRequestRejection(request: ProduceRequest): RequestRejection | null {
  for (const topic of request.topicData) {
    for (const partition of topic.partitionData) {
      const first = peekFirstBatch(partition.records)
      if (typeof first === 'string') return { errorCode: ErrorCode.CORRUPT_MESSAGE, errorMessage: first }
      if (first !== TRANSACTIONAL) continue
      if (request.transactionalId !== null) return null
      return { errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, errorMessage: 'Transactional Id authorization failed.' }
    }
  }
  return null
}

/** The same answer for every partition of the request, once per partition named in it. */
export function rejectedProduceResponses(request: ProduceRequest, rejection: RequestRejection): TopicProduceResponse[] {
  const byTopic = new Map<string, Map<number, PartitionProduceResponse>>()
  for (const topic of request.topicData) {
    let partitions = byTopic.get(topic.name)
    if (partitions === undefined) byTopic.set(topic.name, (partitions = new Map()))
    for (const { index } of topic.partitionData) {
      partitions.set(index, {
        index,
        errorCode: rejection.errorCode,
        baseOffset: -1n,
        logAppendTimeMs: -1n,
        logStartOffset: -1n,
        recordErrors: [],
        errorMessage: rejection.errorMessage,
        currentLeader: { leaderId: -1, leaderEpoch: -1 },
      })
    }
  }
  return [...byTopic].map(([name, partitions]) => ({ name, partitionResponses: [...partitions.values()] }))
}
