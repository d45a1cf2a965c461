/**
 * The transaction coordinator as the broker runs it: settings from the broker config, state in
 * __transaction_state, markers through the ReplicaManager. As with __consumer_offsets, an
 * existing topic's partitions are replayed in the background from start-up on, and a missing
 * topic is created (with Kafka's configs for it) when a client first looks for a transaction
 * coordinator.
 */
import type { Cluster } from '../../cluster/cluster.js'
import type { TopicInfo } from '../../cluster/topic-registry.js'
import type { BrokerConfig } from '../../config/broker-config.js'
import type { Logger } from '../../log.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaError } from '../../protocol/kafka-error.js'
import { CompressionType } from '../../protocol/records/index.js'
import type { ReplicaManager } from '../../replica/replica-manager.js'
import { TimerScheduler, systemClock } from '../../storage/clock.js'
import type { PartitionLog } from '../../storage/partition-log.js'
import { appendCoordinatorRecords, replayCoordinatorLog } from '../coordinator-log.js'
import type { ProducerIdManager } from '../producer-id-manager.js'
import type { TransactionCoordinatorConfig } from './config.js'
import type { TxnMarker } from './marker-writer.js'
import { TRANSACTION_STATE_TOPIC } from './transaction-log.js'
import type { TxnLogRecord } from './transaction-log.js'
import { TransactionCoordinator } from './transaction-coordinator.js'

export interface BrokerTransactions {
  readonly coordinator: TransactionCoordinator
  /** Settles once the topic creation and replays started so far have settled (failures are logged). */
  settled(): Promise<void>
}

export interface BrokerTransactionsOptions {
  readonly config: BrokerConfig
  readonly cluster: Cluster
  readonly replicas: ReplicaManager
  readonly producerIds: ProducerIdManager
  readonly log: Logger
  /** Called after a marker lands (the group coordinator settles transactional offsets on __consumer_offsets). */
  readonly markerWritten?: (topic: string, partition: number, marker: TxnMarker) => void
}

export function startBrokerTransactions(o: BrokerTransactionsOptions): BrokerTransactions {
  const existing = o.cluster.topics.get(TRANSACTION_STATE_TOPIC)
  const pending = new Set<Promise<unknown>>()
  const track = <T>(p: Promise<T>): Promise<T> => {
    const settled = p.then(() => {}, () => {})
    pending.add(settled)
    void settled.then(() => pending.delete(settled))
    return p
  }
  const coordinator: TransactionCoordinator = new TransactionCoordinator({
    // An existing topic keeps its partition count, which is what places the transactional ids on it.
    config: transactionCoordinatorConfig(o.config, existing?.partitions ?? o.config.get('transaction.state.log.num.partitions')),
    clock: systemClock,
    scheduler: new TimerScheduler((err) => o.log.error({ err }, 'transaction coordinator task failed')),
    log: o.log,
    producerIds: o.producerIds,
    txnLog: {
      append: (partition: number, record: TxnLogRecord) =>
        appendCoordinatorRecords(stateLog(o.replicas, partition), [record], { timestamp: systemClock.now(), compression: CompressionType.None }),
    },
    writeMarker: (topic, partition, marker) => o.replicas.writeTxnMarker(topic, partition, marker),
    ...(o.markerWritten ? { markerWritten: o.markerWritten } : {}),
    activate: existing
      ? () => Promise.resolve()
      : () =>
          track(
            createStateTopic(o).then(
              (topic) => loadAll(topic),
              (err: unknown) => {
                o.log.error({ err }, `creating ${TRANSACTION_STATE_TOPIC} failed; transaction coordinator lookups answer COORDINATOR_NOT_AVAILABLE`)
                throw err
              },
            ),
          ),
  })
  const loadAll = (topic: TopicInfo): void => {
    for (let p = 0; p < topic.partitions; p++) {
      const log = o.replicas.partition(TRANSACTION_STATE_TOPIC, p)
      if (!log) {
        o.log.error({ partition: p }, `${TRANSACTION_STATE_TOPIC} partition has no log; its transactional ids are not served`)
        continue
      }
      void track(coordinator.loadPartition(p, records(log))).catch((err: unknown) => {
        o.log.error({ err, partition: p }, `replaying ${TRANSACTION_STATE_TOPIC} failed; its transactional ids are not served`)
      })
    }
  }
  if (existing) loadAll(existing)
  return {
    coordinator,
    async settled() {
      while (pending.size > 0) await Promise.all(pending)
    },
  }
}

function stateLog(replicas: ReplicaManager, partition: number): PartitionLog {
  const log = replicas.partition(TRANSACTION_STATE_TOPIC, partition)
  if (!log) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  return log
}

async function* records(log: PartitionLog): AsyncGenerator<TxnLogRecord> {
  for await (const entry of replayCoordinatorLog(log)) if (entry.kind === 'record') yield entry
}

function createStateTopic(o: BrokerTransactionsOptions): Promise<TopicInfo> {
  return o.cluster.createTopic({
    name: TRANSACTION_STATE_TOPIC,
    partitions: o.config.get('transaction.state.log.num.partitions'),
    configs: {
      'cleanup.policy': 'compact',
      'segment.bytes': String(o.config.get('transaction.state.log.segment.bytes')),
      'compression.type': 'uncompressed',
    },
  })
}

export function transactionCoordinatorConfig(config: BrokerConfig, stateTopicPartitions: number): Partial<TransactionCoordinatorConfig> {
  return {
    transactionalIdExpirationMs: config.get('transactional.id.expiration.ms'),
    maxTimeoutMs: config.get('transaction.max.timeout.ms'),
    stateTopicPartitions,
    abortTimedOutIntervalMs: config.get('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
    removeExpiredIntervalMs: config.get('transaction.remove.expired.transaction.cleanup.interval.ms'),
  }
}
