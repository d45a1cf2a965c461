/** Wires the gauges of BrokerMetrics to the broker's parts (composition root helper). */
import type { Cluster } from '../cluster/cluster.js'
import type { GroupCoordinator } from '../coordinator/group/group-coordinator.js'
import type { Logger } from '../log.js'
import type { FetchService } from '../replica/fetch-service.js'
import type { ReplicaManager } from '../replica/replica-manager.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { BrokerMetricSources, BrokerMetrics } from './broker-metrics.js'
import type { MetricsServer } from './metrics-server.js'

export interface SourceParts {
  readonly connections: () => Iterable<{ readonly info: { readonly listenerName: string } }>
  readonly fetches: FetchService
  readonly replicas: ReplicaManager
  readonly cluster: Cluster
  readonly groups: GroupCoordinator
}

export function brokerMetricSources(parts: SourceParts): BrokerMetricSources {
  return {
    *connectionListeners() {
      for (const c of parts.connections()) yield c.info.listenerName
    },
    fetchPurgatorySize: () => parts.fetches.purgatory.size,
    logs: () => parts.replicas.logs.allLogs(),
    topics: () => parts.cluster.topics.list(),
    topicExists: (name) => parts.cluster.topics.get(name) !== undefined,
    groupStates: () => {
      const listed = parts.groups.listGroups([], [])
      return listed.errorCode === ErrorCode.NONE ? listed.groups.map((g) => g.groupState) : undefined
    },
    cleaner: () => parts.replicas.logs.cleaner.gauges(),
  }
}

/**
 * The HTTP server for `metrics.port`; undefined when it is -1 (off). Loaded only when on: node:http
 * is a few milliseconds of every start-up otherwise.
 */
export async function startMetricsServer(port: number, metrics: BrokerMetrics, log: Logger): Promise<MetricsServer | undefined> {
  if (port < 0) return undefined
  const { MetricsServer } = await import('./metrics-server.js')
  return MetricsServer.start({ port, metrics, log: log.child({ component: 'metrics' }) })
}
