/**
 * The partitions this node leads (all of them: Brook is the only broker), as Kafka's ReplicaManager
 * holds them: the topic registry says which partitions exist, the LogManager holds their logs.
 *
 * A topic change is persisted to the registry first, then applied to the logs. A crash in between
 * is repaired at start-up by `reconcile`: logs missing for a registered partition are created empty, and logs of
 * partitions the registry no longer has (a deleted topic, or an old topic of the same name with
 * another id) are deleted.
 */
import type { TopicInfo, TopicRegistry } from '../cluster/topic-registry.js'
import type { Logger } from '../log.js'
import type { LogManager } from '../storage/log-manager.js'
import type { PartitionLog } from '../storage/partition-log.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { NO_TRANSACTIONS, type TransactionVerifier } from './transaction-verifier.js'
import { writeTxnMarker, type TxnMarker } from './write-txn-marker.js'

export class ReplicaManager {
  readonly logs: LogManager
  readonly #topics: TopicRegistry
  readonly #log: Logger
  /**
   * Consulted by Produce for transactional batches (KIP-890 part 1). The transaction coordinator
   * replaces the default, which finds no partition in a transaction (INVALID_TXN_STATE).
   */
  transactionVerifier: TransactionVerifier = NO_TRANSACTIONS

  constructor(topics: TopicRegistry, logs: LogManager, log: Logger) {
    this.#topics = topics
    this.logs = logs
    this.#log = log
  }

  /** The log of a partition that exists, or undefined (Kafka's UNKNOWN_TOPIC_OR_PARTITION). */
  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.getLog(topic, partition)
  }

  /**
   * Appends a COMMIT or ABORT marker for `marker.producerId` to a partition (Kafka's
   * WriteTxnMarkers on the leader): completes the producer's transaction there, moves the last
   * stable offset and indexes an abort. Resolves to an ErrorCode (NONE on success).
   */
  async writeTxnMarker(topic: string, partition: number, marker: TxnMarker): Promise<number> {
    const log = this.logs.getLog(topic, partition)
    if (log === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    return writeTxnMarker(log, marker, this.#log)
  }

  /** Creates the logs of a topic's partitions that have none yet (new topic, added partitions). */
  async ensureLogs(topic: TopicInfo): Promise<void> {
    const created: Promise<PartitionLog>[] = []
    for (let p = 0; p < topic.partitions; p++) {
      if (!this.logs.getLog(topic.name, p)) created.push(this.logs.createLog(topic.name, p, { topicId: topic.topicId }))
    }
    await Promise.all(created)
  }

  /** Deletes the logs of a topic that was removed from the registry. */
  async removeLogs(topic: TopicInfo): Promise<void> {
    const deleted: Promise<void>[] = []
    for (let p = 0; p < topic.partitions; p++) deleted.push(this.logs.deleteLog(topic.name, p))
    await Promise.all(deleted)
  }

  /** Makes the logs match the registry after a start (see the header). */
  async reconcile(): Promise<void> {
    for (const log of [...this.logs.allLogs()]) {
      const topic = this.#topics.get(log.topic)
      const stale = !topic || log.partition >= topic.partitions || (log.topicId !== null && log.topicId !== topic.topicId)
      if (!stale) continue
      this.#log.warn({ topic: log.topic, partition: log.partition, topicId: log.topicId }, 'deleting the log of a partition that no longer exists')
      await this.logs.deleteLog(log.topic, log.partition)
    }
    for (const topic of this.#topics.list()) await this.ensureLogs(topic)
  }
}
