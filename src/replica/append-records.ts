/**
 * Appends a Produce request's partitions to their logs: Kafka's ReplicaManager.appendRecords,
 * with the per-partition checks KafkaApis makes before it, in Kafka's order and with Kafka's
 * answers. Partitions are validated and appended concurrently, each on its own: one partition's
 * error never touches another's. Pipelined requests of one connection append in request order. Records stay bytes: the validator reads the batch header in
 * place and the log writes the request's own memory.
 *
 * Per partition, in order:
 *   1. unknown topic, or a partition beyond its count  → UNKNOWN_TOPIC_OR_PARTITION
 *   2. the records field is not exactly one v2 batch    → the framing error (produce-framing.ts)
 *   3. acks other than -1, 0 and 1                      → INVALID_REQUIRED_ACKS
 *   4. an internal topic, unless the client is Kafka's admin client id → INVALID_TOPIC_EXCEPTION
 *   5. no log yet or any more (topic being created or deleted) → NOT_LEADER_OR_FOLLOWER, retried
 *   6. a transactional batch: the transaction coordinator must find the partition in the
 *      producer's transaction (KIP-890 part 1, transaction-verifier.ts) → its error, usually
 *      INVALID_TXN_STATE
 *   7. the validator (log-validator.ts)                 → its error, record errors and message
 *   8. the append: the partition's producer state checks epochs and sequences as the batch is
 *      numbered (storage/producer-state) → INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER,
 *      INVALID_TXN_STATE; a retry of one of the producer's last five batches is answered with
 *      the original offsets and appends nothing. Success → base offset, LogAppendTime (-1 for
 *      CreateTime topics), log start offset.
 *
 * The error partitions carry the offsets Kafka's do: -1, except the log start offset after a
 * failure inside the log (UnifiedLog's exceptions other than CorruptRecord, RecordTooLarge and
 * RecordBatchTooLarge). A request naming a partition twice gets one answer for it, about the
 * last records given, as Kafka collects a request's partitions in a map.
 */
import { INTERNAL_TOPICS } from '../cluster/topic-name.js'
import type { TopicInfo, TopicRegistry } from '../cluster/topic-registry.js'
import type { Logger } from '../log.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { PartitionProduceResponse, ProduceRequest, TopicProduceResponse } from '../protocol/generated/produce.js'
import { BATCH, readInt64 } from '../protocol/records/batch-header.js'
import { TRANSACTIONAL_BIT } from '../protocol/records/attributes.js'
import type { AppendOptions } from '../storage/partition-log-types.js'
import { LogClosedError } from '../storage/partition-log-types.js'
import type { PartitionLog } from '../storage/partition-log.js'
import { ProducerStateError } from '../storage/producer-state/producer-state-error.js'
import type { AppendTurn } from './append-turns.js'
import { LEADER_EPOCH } from './leader-epoch.js'
import { validateProduceRecords, type PartitionError, type ProduceValidation } from './log-validator.js'
import { frameProduceBatch } from './produce-framing.js'
import type { ReplicaManager } from './replica-manager.js'
import type { ValidatorConfig } from './validator-config.js'

export interface AppendRecordsContext {
  readonly topics: TopicRegistry
  readonly replicas: ReplicaManager
  /** Each topic's effective settings for the validator (the topic config table). */
  readonly configs: { validatorConfig(topic: string): Readonly<ValidatorConfig> }
  readonly apiVersion: number
  readonly clientId: string | null
  /** The request's transactional id (transactional batches are verified with it). */
  readonly transactionalId?: string | null
  /** The request's logger: partition errors are logged at debug with Kafka's wording. */
  readonly log: Logger
}

/** AdminUtils.ADMIN_CLIENT_ID: the one client Kafka lets write to internal topics. */
const ADMIN_CLIENT_ID = '__admin_client'
/** Errors UnifiedLog raises that Kafka answers without the log start offset. */
const WITHOUT_LOG_START = new Set<number>([ErrorCode.CORRUPT_MESSAGE, ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.RECORD_LIST_TOO_LARGE])
const NO_LEADER = Object.freeze({ leaderId: -1, leaderEpoch: -1 })
const STAMP_EPOCH: AppendOptions = Object.freeze({ leaderEpoch: LEADER_EPOCH, origin: 'client' })

function failed(index: number, errorCode: number, logStartOffset = -1, errorMessage: string | null = null): PartitionProduceResponse {
  return {
    index,
    errorCode,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: BigInt(logStartOffset),
    recordErrors: [],
    errorMessage,
    currentLeader: NO_LEADER,
  }
}

function rejected(index: number, error: PartitionError, log: PartitionLog): PartitionProduceResponse {
  const logStartOffset = WITHOUT_LOG_START.has(error.errorCode) ? -1 : log.logStartOffset
  return { ...failed(index, error.errorCode, logStartOffset, error.errorMessage), recordErrors: error.recordErrors }
}

function isValidAcks(acks: number): boolean {
  return acks === -1 || acks === 0 || acks === 1
}

/** The request's partitions grouped by topic, each named once (its last records), in request order. */
function partitionsByTopic(request: ProduceRequest): Map<string, Map<number, Buffer | null>> {
  const byTopic = new Map<string, Map<number, Buffer | null>>()
  for (const topic of request.topicData) {
    let partitions = byTopic.get(topic.name)
    if (partitions === undefined) byTopic.set(topic.name, (partitions = new Map()))
    for (const p of topic.partitionData) partitions.set(p.index, p.records)
  }
  return byTopic
}

/** A partition that passed every check: the validated bytes and the log to append them to. */
interface ReadyAppend {
  index: number
  log: PartitionLog
  records: Buffer
  logAppendTime: number
}

/** A partition's outcome of checks 1-7. */
type Prepared = ReadyAppend | PartitionProduceResponse

/**
 * Appends every partition of `request` (already past produceRequestRejection) and answers each.
 * Partitions are checked and validated concurrently; their appends start together once `turn`
 * comes (append-turns.ts), in request order.
 */
export async function appendRecords(ctx: AppendRecordsContext, request: ProduceRequest, turn: AppendTurn): Promise<TopicProduceResponse[]> {
  const responses: TopicProduceResponse[] = []
  const topicOf: number[] = []
  const checks: (Prepared | Promise<Prepared>)[] = []
  let answers: (Promise<PartitionProduceResponse> | PartitionProduceResponse)[]
  try {
    for (const [name, partitions] of partitionsByTopic(request)) {
      const topic = ctx.topics.get(name)
      for (const [index, records] of partitions) {
        topicOf.push(responses.length)
        checks.push(preparePartition(ctx, request.acks, topic, name, index, records))
      }
      responses.push({ name, partitionResponses: [] })
    }
    // Checks that settled synchronously (uncompressed batches, the usual case) cost no promise.
    const checked = checks.some((c) => c instanceof Promise) ? await Promise.all(checks) : (checks as Prepared[])
    if (turn.ready !== null) await turn.ready
    answers = checked.map((c) => ('log' in c ? append(ctx, c) : c))
  } finally {
    turn.release()
  }
  const settled = answers.length === 1 ? [await answers[0]!] : await Promise.all(answers)
  for (let i = 0; i < settled.length; i++) responses[topicOf[i]!]!.partitionResponses.push(settled[i]!)
  return responses
}

/**
 * Checks 1-7 of the module comment: the partition's answer, or what to append. Synchronous
 * unless the validator must (de)compress: a promise per partition is measurable at this rate.
 */
function preparePartition(
  ctx: AppendRecordsContext,
  acks: number,
  topic: TopicInfo | undefined,
  name: string,
  index: number,
  records: Buffer | null,
): Prepared | Promise<Prepared> {
  if (topic === undefined || index < 0 || index >= topic.partitions) return failed(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  const framed = frameProduceBatch(records, ctx.apiVersion)
  if (!framed.ok) {
    ctx.log.debug({ topic: name, partition: index, errorCode: framed.error.errorCode }, framed.error.detail)
    return failed(index, framed.error.errorCode)
  }
  if (!isValidAcks(acks)) return failed(index, ErrorCode.INVALID_REQUIRED_ACKS)
  if (INTERNAL_TOPICS.has(name) && ctx.clientId !== ADMIN_CLIENT_ID) return failed(index, ErrorCode.INVALID_TOPIC_EXCEPTION)
  const log = ctx.replicas.partition(name, index)
  if (log === undefined) return failed(index, ErrorCode.NOT_LEADER_OR_FOLLOWER)
  if ((framed.batch.readInt16BE(BATCH.ATTRIBUTES) & TRANSACTIONAL_BIT) !== 0) {
    const verified = verifyTransaction(ctx, framed.batch, name, index)
    if (verified !== ErrorCode.NONE) return failed(index, verified, -1, verified === ErrorCode.INVALID_TXN_STATE ? 'Partition was not added to the transaction' : null)
  }

  const validation = validateProduceRecords({
    records: framed.batch,
    apiVersion: ctx.apiVersion,
    config: ctx.configs.validatorConfig(name),
    now: Date.now(),
    topicPartition: `${name}-${index}`,
  })
  return validation instanceof Promise ? validation.then((v) => validated(ctx, name, index, log, v)) : validated(ctx, name, index, log, validation)
}

/** Check 7's outcome: what to append, or the validator's answer. */
function validated(ctx: AppendRecordsContext, name: string, index: number, log: PartitionLog, validation: ProduceValidation): Prepared {
  if (!validation.ok) {
    ctx.log.debug({ topic: name, partition: index, errorCode: validation.error.errorCode }, validation.error.detail)
    return rejected(index, validation.error, log)
  }
  const batch = validation.batch
  return { index, log, records: batch.records, logAppendTime: batch.logAppendTime }
}

/** Step 6: asks the transaction coordinator whether the batch's producer has this partition in its transaction. */
function verifyTransaction(ctx: AppendRecordsContext, batch: Buffer, topic: string, partition: number): number {
  // produceRequestRejection already refused a transactional batch without a transactional id.
  const transactionalId = ctx.transactionalId ?? ''
  const producerId = readInt64(batch, BATCH.PRODUCER_ID)
  return ctx.replicas.transactionVerifier.verify(transactionalId, producerId, batch.readInt16BE(BATCH.PRODUCER_EPOCH), topic, partition)
}

/** Step 8. The log assigns the offsets when called, before this function first awaits. */
async function append(ctx: AppendRecordsContext, ready: ReadyAppend): Promise<PartitionProduceResponse> {
  const { index, log, logAppendTime } = ready
  try {
    const opts: AppendOptions = logAppendTime >= 0 ? { leaderEpoch: LEADER_EPOCH, logAppendTime, origin: 'client' } : STAMP_EPOCH
    const r = await log.append(ready.records, opts)
    return {
      index,
      errorCode: ErrorCode.NONE,
      baseOffset: BigInt(r.baseOffset),
      logAppendTimeMs: BigInt(r.logAppendTime),
      logStartOffset: BigInt(r.logStartOffset),
      recordErrors: [],
      errorMessage: null,
      currentLeader: NO_LEADER,
    }
  } catch (err) {
    if (err instanceof ProducerStateError) {
      ctx.log.debug({ topic: log.topic, partition: log.partition, errorCode: err.errorCode }, err.message)
      return failed(index, err.errorCode, log.logStartOffset, err.message)
    }
    // The log closed under the append: the partition is being deleted or the broker stops.
    if (err instanceof LogClosedError) return failed(index, ErrorCode.NOT_LEADER_OR_FOLLOWER)
    ctx.log.error({ err, topic: log.topic, partition: log.partition }, 'append failed')
    return failed(index, ErrorCode.KAFKA_STORAGE_ERROR)
  }
}

/** True when some partition of the answer failed (acks=0 then closes the connection, as Kafka). */
export function hasPartitionErrors(responses: readonly TopicProduceResponse[]): boolean {
  return responses.some((t) => t.partitionResponses.some((p) => p.errorCode !== ErrorCode.NONE))
}
