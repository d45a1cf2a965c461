/**
 * The transaction coordinator as the broker runs it: settings from the broker config, state in
 * __transaction_state (loaded and created as internal-topic.ts says), markers through the
 * ReplicaManager.
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
import { InternalTopic } from '../internal-topic.js'
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
  const topic = new InternalTopic({
    name: TRANSACTION_STATE_TOPIC,
    existing,
    replicas: o.replicas,
    log: o.log,
    serves: 'transactional ids',
    create: () => createStateTopic(o),
    load: (partition, log) => coordinator.loadPartition(partition, records(log)),
  })
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
    activate: topic.activate,
  })
  topic.start()
  return {
    coordinator,
    settled: () => topic.settled(),
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
