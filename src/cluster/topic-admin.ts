/**
 * Topic lifecycle, as Kafka's controller (ReplicationControlManager) decides it and Kafka's
 * ReplicaManager applies it: create, delete and add partitions. Each change is persisted to the
 * topic registry first and then applied to the partition logs; a crash in between is repaired at
 * start-up by ReplicaManager.reconcile.
 *
 * Changes run one at a time, so that the logs of a topic deleted and created again under the same
 * name are never mixed up. A request is all or nothing for its size, as Kafka's controller: more
 * than MAX_RECORDS_PER_USER_OP metadata records (a topic, its configs, its partitions) fail every
 * topic in it with POLICY_VIOLATION.
 *
 * Internal topics (__consumer_offsets, __transaction_state) are created by the coordinators
 * through `internal: true`; clients can neither create nor delete them.
 */
import type { BrokerConfig } from '../config/broker-config.js'
import type { DescribedTopicConfig, TopicConfigs } from '../config/topic-config-cache.js'
import type { ConfigEntry } from '../config/topic-config-values.js'
import type { Logger } from '../log.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { KafkaError } from '../protocol/kafka-error.js'
import { ZERO_UUID } from '../protocol/primitives/uuid.js'
import type { ReplicaManager } from '../replica/replica-manager.js'
import { INTERNAL_TOPICS, collisionKey, topicNameProblem } from './topic-name.js'
import { assignmentProblem, isTopicError, placeNewTopic, topicError } from './topic-placement.js'
import type { Brokers, ReplicaAssignment, TopicError } from './topic-placement.js'
import type { TopicInfo, TopicRegistry } from './topic-registry.js'

/** Kafka's QuorumController.MAX_RECORDS_PER_USER_OP. */
const MAX_RECORDS_PER_USER_OP = 10000
const EXCESSIVE_BATCH = 'Unable to perform excessively large batch operation.'
/** Every partition has one replica, on this node. */
const REPLICATION_FACTOR = 1
/** Kafka's default messages of these errors, which its controller puts in DeleteTopics answers. */
const UNKNOWN_TOPIC_MESSAGE = 'This server does not host this topic-partition.'
const UNKNOWN_TOPIC_ID_MESSAGE = 'This server does not host this topic ID.'

export interface NewTopicSpec {
  readonly name: string
  /** -1: num.partitions (or the manual assignment's count). */
  readonly numPartitions: number
  /** -1: default.replication.factor. */
  readonly replicationFactor: number
  readonly assignments?: readonly ReplicaAssignment[]
  readonly configs?: readonly ConfigEntry[]
}

export interface CreateOptions {
  /** Check only: nothing is created (CreateTopics validateOnly). */
  readonly validateOnly?: boolean
  /** Allow __consumer_offsets and __transaction_state (the coordinators; never clients). */
  readonly internal?: boolean
}

/** A created (or, validate-only, creatable) topic as CreateTopics v5+ describes it. */
export interface CreatedTopic {
  readonly name: string
  /** ZERO_UUID when only validated. */
  readonly topicId: string
  readonly numPartitions: number
  readonly replicationFactor: number
  readonly configs: readonly DescribedTopicConfig[]
}

export type TopicRef = { readonly name: string } | { readonly topicId: string }

export interface DeletedTopic {
  readonly name: string | null
  readonly topicId: string
  readonly error: TopicError | null
}

export interface TopicAdminOptions {
  readonly topics: TopicRegistry
  readonly replicas: ReplicaManager
  readonly configs: TopicConfigs
  readonly broker: BrokerConfig
  readonly nodeId: number
  readonly log: Logger
}

interface Plan {
  readonly spec: NewTopicSpec
  readonly partitions: number
  readonly replicationFactor: number
  readonly overrides: Readonly<Record<string, string>>
}

export class TopicAdmin {
  readonly #topics: TopicRegistry
  readonly #replicas: ReplicaManager
  readonly #configs: TopicConfigs
  readonly #brokers: Brokers
  readonly #log: Logger
  #queue: Promise<unknown> = Promise.resolve()

  constructor(o: TopicAdminOptions) {
    this.#topics = o.topics
    this.#replicas = o.replicas
    this.#configs = o.configs
    this.#log = o.log
    this.#brokers = {
      brokerIds: [o.nodeId],
      defaultPartitions: o.broker.get('num.partitions'),
      defaultReplicationFactor: o.broker.get('default.replication.factor'),
    }
  }

  /** One result per spec, in order. Names are expected to be distinct (CreateTopics answers duplicates itself). */
  createTopics(specs: readonly NewTopicSpec[], options: CreateOptions = {}): Promise<(CreatedTopic | TopicError)[]> {
    return this.#serialized(async () => {
      const plans = specs.map((spec) => this.#plan(spec, options.internal ?? false))
      let records = 0
      for (const p of plans) if (!isTopicError(p)) records += 1 + Object.keys(p.overrides).length + p.partitions
      if (records > MAX_RECORDS_PER_USER_OP) return specs.map(() => topicError(ErrorCode.POLICY_VIOLATION, EXCESSIVE_BATCH))
      const results: (CreatedTopic | TopicError)[] = []
      for (const plan of plans) {
        if (isTopicError(plan)) results.push(plan)
        else if (options.validateOnly) results.push(this.#created(plan, ZERO_UUID))
        else results.push(await this.#create(plan))
      }
      return results
    })
  }

  /** One result per ref, in order. UNKNOWN_TOPIC_OR_PARTITION / UNKNOWN_TOPIC_ID for topics that do not exist. */
  deleteTopics(refs: readonly TopicRef[], options: { internal?: boolean } = {}): Promise<DeletedTopic[]> {
    return this.#serialized(async () => {
      const results: DeletedTopic[] = []
      for (const ref of refs) results.push(await this.#delete(ref, options.internal ?? false))
      return results
    })
  }

  /**
   * Raises a topic's partition count (CreatePartitions); `assignments` (one replica list per new
   * partition) may place them by hand. Returns null on success.
   */
  createPartitions(
    name: string,
    count: number,
    assignments: readonly (readonly number[])[] | null,
    validateOnly = false,
  ): Promise<TopicError | null> {
    return this.#serialized(async () => {
      const topic = this.#topics.get(name)
      if (!topic) return topicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      if (count === topic.partitions) return topicError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${topic.partitions} partition(s).`)
      if (count < topic.partitions) {
        return topicError(
          ErrorCode.INVALID_PARTITIONS,
          `The topic ${name} currently has ${topic.partitions} partition(s); ${count} would not be an increase.`,
        )
      }
      const additional = count - topic.partitions
      if (assignments !== null) {
        if (assignments.length !== additional) {
          return topicError(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `Attempted to add ${additional} additional partition(s), but only ${assignments.length} assignment(s) were specified.`,
          )
        }
        for (const brokerIds of assignments) {
          const problem = assignmentProblem(brokerIds, this.#brokers, REPLICATION_FACTOR)
          if (problem) return problem
        }
      }
      if (additional > MAX_RECORDS_PER_USER_OP) return topicError(ErrorCode.POLICY_VIOLATION, EXCESSIVE_BATCH)
      if (validateOnly) return null
      const grown = await this.#topics.addPartitions(name, count)
      await this.#replicas.ensureLogs(grown)
      this.#log.info({ topic: name, partitions: count }, 'added partitions')
      return null
    })
  }

  #plan(spec: NewTopicSpec, internalAllowed: boolean): Plan | TopicError {
    const { name } = spec
    const nameProblem = topicNameProblem(name)
    if (nameProblem) return topicError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem)
    const existing = this.#topics.get(name)
    if (existing) return topicError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`)
    const key = collisionKey(name)
    for (const t of this.#topics.list()) {
      if (collisionKey(t.name) === key) {
        return topicError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${name}' collides with existing topic: ${t.name}`)
      }
    }
    if (INTERNAL_TOPICS.has(name) && !internalAllowed) {
      return topicError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${name}' is internal: the broker creates it when it is first needed.`)
    }
    const entries = spec.configs ?? []
    const configProblem = this.#configs.problem(entries)
    if (configProblem) return topicError(ErrorCode.INVALID_CONFIG, configProblem)
    const placed = placeNewTopic({ ...spec, assignments: spec.assignments ?? [] }, this.#brokers)
    if (isTopicError(placed)) return placed
    const overrides: Record<string, string> = {}
    for (const e of entries) if (e.value !== null) overrides[e.name] = e.value
    return { spec, ...placed, overrides }
  }

  async #create(plan: Plan): Promise<CreatedTopic | TopicError> {
    let topic: TopicInfo
    try {
      topic = await this.#topics.create({ name: plan.spec.name, partitions: plan.partitions, configs: plan.overrides })
    } catch (err) {
      // A name that collides with another new topic of the same request is only seen here.
      if (err instanceof KafkaError) return topicError(err.code, err.message)
      throw err
    }
    await this.#replicas.ensureLogs(topic)
    this.#log.info({ topic: topic.name, topicId: topic.topicId, partitions: topic.partitions }, 'created topic')
    return this.#created(plan, topic.topicId)
  }

  #created(plan: Plan, topicId: string): CreatedTopic {
    return {
      name: plan.spec.name,
      topicId,
      numPartitions: plan.partitions,
      replicationFactor: plan.replicationFactor,
      configs: this.#configs.describe(plan.overrides),
    }
  }

  async #delete(ref: TopicRef, internalAllowed: boolean): Promise<DeletedTopic> {
    const topic = 'name' in ref ? this.#topics.get(ref.name) : this.#topics.byId(ref.topicId)
    if (!topic) {
      return 'name' in ref
        ? { name: ref.name, topicId: ZERO_UUID, error: topicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_MESSAGE) }
        : { name: null, topicId: ref.topicId, error: topicError(ErrorCode.UNKNOWN_TOPIC_ID, UNKNOWN_TOPIC_ID_MESSAGE) }
    }
    if (topic.internal && !internalAllowed) {
      const error = topicError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${topic.name}' is internal: the broker owns it and it cannot be deleted.`)
      return { name: topic.name, topicId: topic.topicId, error }
    }
    await this.#topics.delete(topic.name)
    // Closing the logs also wakes fetches waiting on them; they answer from what the partition had.
    await this.#replicas.removeLogs(topic)
    this.#log.info({ topic: topic.name, topicId: topic.topicId }, 'deleted topic')
    return { name: topic.name, topicId: topic.topicId, error: null }
  }

  #serialized<T>(change: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(change)
    this.#queue = result.catch(() => undefined)
    return result
  }
}
