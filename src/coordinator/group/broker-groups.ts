/**
 * The group coordinator as the broker runs it: settings from the broker config and records in
 * __consumer_offsets, loaded and created as internal-topic.ts says; requests for a group whose
 * partition is still being replayed get COORDINATOR_LOAD_IN_PROGRESS.
 */
import type { Cluster } from '../../cluster/cluster.js'
import type { TopicInfo } from '../../cluster/topic-registry.js'
import type { BrokerConfig } from '../../config/broker-config.js'
import type { Logger } from '../../log.js'
import type { CompressionType } from '../../protocol/records/index.js'
import type { ReplicaManager } from '../../replica/replica-manager.js'
import { TimerScheduler, systemClock } from '../../storage/clock.js'
import { InternalTopic } from '../internal-topic.js'
import type { GroupCoordinatorConfig } from './config.js'
import { GroupCoordinator } from './group-coordinator.js'
import { OFFSETS_TOPIC, PartitionGroupLog, replayPartition } from './partition-group-log.js'

export interface BrokerGroups {
  readonly coordinator: GroupCoordinator
  /** Settles once the topic creation and replays started so far have settled (failures are logged). */
  settled(): Promise<void>
}

export interface BrokerGroupsOptions {
  readonly config: BrokerConfig
  readonly cluster: Cluster
  readonly replicas: ReplicaManager
  readonly log: Logger
}

export function startBrokerGroups(o: BrokerGroupsOptions): BrokerGroups {
  const existing = o.cluster.topics.get(OFFSETS_TOPIC)
  const topic = new InternalTopic({
    name: OFFSETS_TOPIC,
    existing,
    replicas: o.replicas,
    log: o.log,
    serves: 'groups',
    create: () => createOffsetsTopic(o),
    load: (partition, log) => coordinator.loadPartition(partition, replayPartition(log)),
  })
  const coordinator: GroupCoordinator = new GroupCoordinator({
    // An existing topic keeps its partition count, which is what places the groups on it.
    config: groupCoordinatorConfig(o.config, existing?.partitions ?? o.config.get('offsets.topic.num.partitions')),
    clock: systemClock,
    scheduler: new TimerScheduler((err) => o.log.error({ err }, 'group coordinator task failed')),
    log: o.log,
    groupLog: new PartitionGroupLog({
      partition: (p) => o.replicas.partition(OFFSETS_TOPIC, p),
      compression: o.config.get('offsets.topic.compression.codec') as CompressionType,
      clock: systemClock,
    }),
    topics: { partitionCount: (name) => o.cluster.topics.get(name)?.partitions },
    // Read at each call: the transaction coordinator becomes the verifier after the groups start.
    verifyTransaction: (id, producerId, epoch, partition, abortable) => o.replicas.transactionVerifier.verify(id, producerId, epoch, OFFSETS_TOPIC, partition, abortable),
    activate: topic.activate,
  })
  topic.start()
  return {
    coordinator,
    settled: () => topic.settled(),
  }
}

function createOffsetsTopic(o: BrokerGroupsOptions): Promise<TopicInfo> {
  return o.cluster.createTopic({
    name: OFFSETS_TOPIC,
    partitions: o.config.get('offsets.topic.num.partitions'),
    configs: {
      'cleanup.policy': 'compact',
      'segment.bytes': String(o.config.get('offsets.topic.segment.bytes')),
      // Batches arrive compressed with offsets.topic.compression.codec and are kept as they are.
      'compression.type': 'producer',
    },
  })
}

export function groupCoordinatorConfig(config: BrokerConfig, offsetsTopicPartitions: number): Partial<GroupCoordinatorConfig> {
  return {
    minSessionTimeoutMs: config.get('group.min.session.timeout.ms'),
    maxSessionTimeoutMs: config.get('group.max.session.timeout.ms'),
    maxSize: config.get('group.max.size'),
    initialRebalanceDelayMs: config.get('group.initial.rebalance.delay.ms'),
    offsetsTopicPartitions,
    offsetMetadataMaxBytes: config.get('offset.metadata.max.bytes'),
    offsetsRetentionMs: config.get('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: config.get('offsets.retention.check.interval.ms'),
  }
}
