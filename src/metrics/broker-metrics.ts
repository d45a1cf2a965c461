/**
 * All of a broker's metrics: the counters recorded as requests are served (requests, topics) and
 * gauges read from the broker's parts when scraped (connections, purgatory, logs, groups). Names
 * follow Kafka's MBeans as the Prometheus JMX exporter's Kafka rules render them, so dashboards
 * built for Kafka find them: `kafka.log:type=Log,name=Size,topic=t,partition=0` is
 * `kafka_log_log_size{topic="t",partition="0"}`.
 */
import type { LogCleanerGauges } from '../storage/cleaner/log-cleaner.js'
import { cleanerFamilies } from './cleaner-metrics.js'
import type { MetricFamily, Sample } from './exposition.js'
import { renderFamilies } from './exposition.js'
import { RequestMetrics } from './request-metrics.js'
import { TopicMetrics } from './topic-metrics.js'

/** Kafka's BrokerState values (kafka.server:type=KafkaServer,name=BrokerState). */
export const BrokerState = {
  NOT_RUNNING: 0,
  STARTING: 1,
  RECOVERY: 2,
  RUNNING: 3,
  PENDING_CONTROLLED_SHUTDOWN: 6,
  SHUTTING_DOWN: 7,
} as const

export type BrokerState = (typeof BrokerState)[keyof typeof BrokerState]

export function brokerStateName(state: BrokerState): string {
  return Object.entries(BrokerState).find(([, v]) => v === state)?.[0] ?? String(state)
}

export interface PartitionLogGauges {
  readonly topic: string
  readonly partition: number
  readonly size: number
  readonly segmentCount: number
  readonly logStartOffset: number
  readonly logEndOffset: number
}

/** What the gauges read, attached once the broker's parts exist. */
export interface BrokerMetricSources {
  /** The listener name of each open connection. */
  connectionListeners(): Iterable<string>
  /** Fetches waiting for data (long polls). */
  fetchPurgatorySize(): number
  logs(): Iterable<PartitionLogGauges>
  topics(): Iterable<{ readonly name: string; readonly partitions: number }>
  topicExists(name: string): boolean
  /** The state of every group; undefined while the group coordinator is loading. */
  groupStates(): readonly string[] | undefined
  /** The log cleaner's gauges; null when the cleaner is off. */
  cleaner?(): LogCleanerGauges | null
}

/** The classic group states Kafka counts (GroupMetadataManager NumGroups<State>). */
const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'] as const

export class BrokerMetrics {
  readonly requests = new RequestMetrics()
  readonly topics = new TopicMetrics()
  state: BrokerState = BrokerState.STARTING
  #sources: BrokerMetricSources | undefined

  attach(sources: BrokerMetricSources): void {
    this.#sources = sources
  }

  /** The Prometheus text of every metric, read now. */
  render(): string {
    return renderFamilies(this.families())
  }

  families(): MetricFamily[] {
    const families: MetricFamily[] = [gauge('kafka_server_kafkaserver_brokerstate', "Kafka's broker state: 1 starting, 2 recovery (loading logs), 3 running, 7 shutting down.", this.state)]
    const sources = this.#sources
    if (sources !== undefined) {
      this.topics.retain((t) => sources.topicExists(t))
      families.push(...sourceFamilies(sources))
    }
    families.push(...this.requests.families(), ...this.topics.families())
    return families
  }
}

function sourceFamilies(sources: BrokerMetricSources): MetricFamily[] {
  const connections = new Map<string, number>()
  for (const listener of sources.connectionListeners()) connections.set(listener, (connections.get(listener) ?? 0) + 1)
  const logs = [...sources.logs()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
  const perLog = (pick: (l: PartitionLogGauges) => number): Sample[] =>
    logs.map((l) => ({ labels: { topic: l.topic, partition: l.partition }, value: pick(l) }))
  let topicCount = 0
  let partitionCount = 0
  for (const t of sources.topics()) {
    topicCount++
    partitionCount += t.partitions
  }
  const families: MetricFamily[] = [
    {
      name: 'kafka_server_socket_server_metrics_connection_count',
      help: 'Open client connections, by listener.',
      type: 'gauge',
      samples: [...connections].map(([listener, n]) => ({ labels: { listener }, value: n })),
    },
    {
      name: 'kafka_server_delayedoperationpurgatory_purgatorysize',
      help: 'Requests waiting in a purgatory: long-poll fetches waiting for data; produce requests never wait (one replica: acks=all is answered once appended).',
      type: 'gauge',
      samples: [
        { labels: { delayedOperation: 'Fetch' }, value: sources.fetchPurgatorySize() },
        { labels: { delayedOperation: 'Produce' }, value: 0 },
      ],
    },
    { name: 'kafka_log_log_size', help: 'Bytes of a partition log on disk (all segments).', type: 'gauge', samples: perLog((l) => l.size) },
    { name: 'kafka_log_log_numlogsegments', help: 'Segments of a partition log.', type: 'gauge', samples: perLog((l) => l.segmentCount) },
    { name: 'kafka_log_log_logstartoffset', help: 'First offset of a partition log.', type: 'gauge', samples: perLog((l) => l.logStartOffset) },
    { name: 'kafka_log_log_logendoffset', help: 'Offset the next record of a partition log gets.', type: 'gauge', samples: perLog((l) => l.logEndOffset) },
    gauge('kafka_server_replicamanager_partitioncount', 'Partitions on this broker.', logs.length),
    gauge('kafka_server_replicamanager_leadercount', 'Partitions this broker leads (all of them: one node).', logs.length),
    gauge('kafka_server_replicamanager_underreplicatedpartitions', 'Partitions with fewer in-sync replicas than replicas: always 0, every partition has its single replica in sync.', 0),
    gauge('kafka_controller_kafkacontroller_activecontrollercount', 'Whether this node is the active controller (Brook is its own controller).', 1),
    gauge('kafka_controller_kafkacontroller_offlinepartitionscount', 'Partitions without a leader: 0, this node leads every partition.', 0),
    gauge('kafka_controller_kafkacontroller_globaltopiccount', 'Topics in the cluster, internal ones included.', topicCount),
    gauge('kafka_controller_kafkacontroller_globalpartitioncount', 'Partitions in the cluster, internal ones included.', partitionCount),
  ]
  const states = sources.groupStates()
  if (states !== undefined) {
    families.push(gauge('kafka_coordinator_group_groupmetadatamanager_numgroups', 'Consumer groups.', states.length))
    for (const state of GROUP_STATES) {
      const n = states.filter((s) => s === state).length
      families.push(gauge(`kafka_coordinator_group_groupmetadatamanager_numgroups${state.toLowerCase()}`, `Consumer groups in state ${state}.`, n))
    }
  }
  const cleaner = sources.cleaner?.()
  if (cleaner) families.push(...cleanerFamilies(cleaner))
  return families
}

function gauge(name: string, help: string, value: number): MetricFamily {
  return { name, help, type: 'gauge', samples: [{ value }] }
}
