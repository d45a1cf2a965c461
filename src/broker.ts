/**
 * The composition root: config → log dirs (lock, meta.properties) → topic registry → handlers →
 * listeners. `Broker.start` undoes what it did if a later step fails; `close` is idempotent.
 */
import { Cluster } from './cluster/cluster.js'
import type { AdvertisedEndpoint } from './cluster/cluster.js'
import { LogDirs } from './cluster/log-dirs.js'
import { TopicAdmin } from './cluster/topic-admin.js'
import { TopicRegistry } from './cluster/topic-registry.js'
import { BrokerConfig } from './config/broker-config.js'
import type { ConfigSource } from './config/broker-config.js'
import { TopicConfigs } from './config/topic-config-cache.js'
import { BrokerConfigLayers } from './config/broker-config-layers.js'
import { ConfigAdmin } from './config/config-admin.js'
import { BrokerLoggers } from './config/broker-loggers.js'
import { DynamicBrokerConfigs } from './config/dynamic-broker-configs.js'
import { startBrokerGroups } from './coordinator/group/broker-groups.js'
import type { BrokerGroups } from './coordinator/group/broker-groups.js'
import { ProducerIdManager } from './coordinator/producer-id-manager.js'
import { startBrokerTransactions } from './coordinator/transaction/broker-transactions.js'
import type { BrokerTransactions } from './coordinator/transaction/broker-transactions.js'
import type { ApiHandler, BrokerServices } from './handlers/handler.js'
import { brokerHandlers } from './handlers/index.js'
import { HandlerRegistry } from './handlers/registry.js'
import type { Logger } from './log.js'
import { BrokerMetrics, BrokerState } from './metrics/broker-metrics.js'
import { brokerMetricSources, startMetricsServer } from './metrics/broker-metric-sources.js'
import type { MetricsServer } from './metrics/metrics-server.js'
import { Dispatcher } from './network/dispatcher.js'
import { advertisedHost, planListeners } from './network/endpoints.js'
import type { Endpoint } from './network/endpoints.js'
import { SocketServer } from './network/socket-server.js'
import { SendBufferPool } from './network/send-buffer-pool.js'
import { decompress } from './protocol/records/compression/index.js'
import type { BoundListener } from './network/socket-server.js'
import { FetchService } from './replica/fetch-service.js'
import { ReplicaManager } from './replica/replica-manager.js'
import { LogManager } from './storage/log-manager.js'

export interface BrokerOptions {
  /** Applied in order, later sources winning (file, environment, overrides, ...). */
  readonly configSources: readonly ConfigSource[]
  readonly log: Logger
  /** Cluster id for log dirs formatted by this start (the image's CLUSTER_ID). */
  readonly clusterId?: string | undefined
  /** The APIs to serve; tests substitute their own. */
  readonly handlers?: readonly ApiHandler[]
}

export class Broker {
  readonly config: BrokerConfig
  readonly cluster: Cluster
  readonly logDirs: LogDirs
  readonly replicas: ReplicaManager
  readonly fetches: FetchService
  readonly groups: BrokerGroups
  /** Request, topic and broker metrics; served over HTTP when metrics.port is set. */
  readonly metrics: BrokerMetrics
  readonly #server: SocketServer
  readonly #log: Logger
  #transactions: BrokerTransactions | undefined
  #metricsServer: MetricsServer | undefined
  #closing: Promise<void> | undefined

  private constructor(config: BrokerConfig, cluster: Cluster, logDirs: LogDirs, replicas: ReplicaManager, server: SocketServer, log: Logger, fetches: FetchService, groups: BrokerGroups, metrics: BrokerMetrics) {
    this.config = config
    this.cluster = cluster
    this.logDirs = logDirs
    this.replicas = replicas
    this.fetches = fetches
    this.groups = groups
    this.metrics = metrics
    this.#server = server
    this.#log = log
  }

  static async start(options: BrokerOptions): Promise<Broker> {
    const log = options.log
    const config = BrokerConfig.resolve(options.configSources)
    if (config.unknownKeys.length > 0) log.warn({ keys: config.unknownKeys }, 'ignoring unknown config keys')
    const plan = planListeners(config)
    const nodeId = config.get('node.id')
    const logDirs = await LogDirs.open({ dirs: config.logDirs, nodeId, clusterId: options.clusterId })
    let logs: LogManager | undefined
    let groups: BrokerGroups | undefined
    let transactions: BrokerTransactions | undefined
    const metrics = new BrokerMetrics()
    let metricsServer: MetricsServer | undefined
    try {
      // Up before the logs load, so that readiness answers "not yet" (503) while they do.
      metricsServer = await startMetricsServer(config.get('metrics.port'), metrics, log)
      metrics.state = BrokerState.RECOVERY
      const topics = await TopicRegistry.open(logDirs.metadataDir)
      // Dynamic broker configs set through AlterConfigs survive restarts: they are layered over the static config.
      const layers = new BrokerConfigLayers(config, await DynamicBrokerConfigs.open(logDirs.metadataDir))
      const topicConfigs = new TopicConfigs(layers, topics, log.child({ component: 'topic-configs' }))
      logs = await LogManager.open({
        logDirs: logDirs.dirs,
        configFor: (topic) => topicConfigs.logConfig(topic),
        logger: log,
        retentionCheckIntervalMs: config.get('log.retention.check.interval.ms'),
        flushCheckIntervalMs: config.get('log.flush.scheduler.interval.ms'),
        recoveryPointCheckpointIntervalMs: config.get('log.flush.offset.checkpoint.interval.ms'),
        logStartOffsetCheckpointIntervalMs: config.get('log.flush.start.offset.checkpoint.interval.ms'),
        recoveryThreadsPerDataDir: config.get('num.recovery.threads.per.data.dir'),
        producerIdExpirationMs: config.get('producer.id.expiration.ms'),
        producerIdExpirationCheckIntervalMs: config.get('producer.id.expiration.check.interval.ms'),
        // ListOffsets by timestamp reads records inside compressed batches.
        decompress,
        // Read at each cleaner round: the reconfigurable log.cleaner.* keys apply without a restart.
        cleaner: () => ({
          enable: config.get('log.cleaner.enable'),
          threads: layers.get('log.cleaner.threads'),
          dedupeBufferSize: layers.get('log.cleaner.dedupe.buffer.size'),
          ioBufferLoadFactor: layers.get('log.cleaner.io.buffer.load.factor'),
          backoffMs: layers.get('log.cleaner.backoff.ms'),
          ioBufferSize: layers.get('log.cleaner.io.buffer.size'),
          ioMaxBytesPerSecond: layers.get('log.cleaner.io.max.bytes.per.second'),
        }),
      })
      const cleaner = logs.cleaner
      layers.dynamic.onChange(() => cleaner.reconfigured())
      const replicas = new ReplicaManager(topics, logs, log.child({ component: 'replicas' }))
      await replicas.reconcile()
      const admin = new TopicAdmin({ topics, replicas, configs: topicConfigs, broker: config, nodeId, log: log.child({ component: 'topics' }) })
      const cluster = new Cluster({ nodeId, clusterId: logDirs.clusterId, topics, admin })
      const handlers = new HandlerRegistry(options.handlers ?? brokerHandlers)
      // Fetch reads into these; connections give them back once the answer is written.
      const sendBuffers = new SendBufferPool()
      const fetches = new FetchService({
        cluster,
        replicas,
        maxBytes: config.get('fetch.max.bytes'),
        sessionSlots: config.get('max.incremental.fetch.session.cache.slots'),
        log: log.child({ component: 'fetch' }),
        readBuffers: sendBuffers,
      })
      groups = startBrokerGroups({ config, cluster, replicas, log: log.child({ component: 'groups' }) })
      const configs = new ConfigAdmin({ topics, topicConfigs, nodeId, loggers: new BrokerLoggers(log) })
      const producerIds = await ProducerIdManager.open(logDirs.metadataDir, { onError: (err) => log.error({ err }, 'reserving a block of producer ids failed') })
      const groupCoordinator = groups.coordinator
      transactions = startBrokerTransactions({
        config,
        cluster,
        replicas,
        producerIds,
        log: log.child({ component: 'transactions' }),
        markerWritten: (topic, partition, marker) => groupCoordinator.onTransactionMarker(topic, partition, marker.producerId, marker.commit),
      })
      // Produce checks transactional batches against the ongoing transactions (KIP-890 part 1).
      replicas.transactionVerifier = transactions.coordinator
      const services: BrokerServices = { cluster, config, handlers, replicas, fetches, topicConfigs, groups: groups.coordinator, transactions: transactions.coordinator, configs, metrics }
      const advertised = new Map<string, AdvertisedEndpoint>()
      const server = await SocketServer.start({
        listeners: plan.listeners,
        dispatcher: new Dispatcher(handlers, services),
        maxRequestBytes: config.get('socket.request.max.bytes'),
        idleTimeoutMs: config.get('connections.max.idle.ms'),
        log: log.child({ component: 'network' }),
        onSent: (chunk) => sendBuffers.give(chunk),
        onBound: (listener, port) => {
          const endpoint = plan.advertised.find((a) => a.listenerName === listener.listenerName)
          if (endpoint) advertised.set(listener.listenerName, advertise(endpoint, port))
          cluster.setAdvertisedEndpoints([...advertised.values()])
        },
      })
      metrics.attach(brokerMetricSources({ connections: () => server.connections, fetches, replicas, cluster, groups: groups.coordinator }))
      const broker = new Broker(config, cluster, logDirs, replicas, server, log, fetches, groups, metrics)
      broker.#transactions = transactions
      broker.#metricsServer = metricsServer
      metrics.state = BrokerState.RUNNING
      log.info(
        {
          nodeId,
          clusterId: cluster.clusterId,
          listeners: server.bound.map((b) => formatEndpoint(b.endpoint, b.port)),
          advertisedListeners: cluster.advertisedEndpoints.map((e) => `${e.listenerName}://${e.host}:${e.port}`),
          logDirs: logDirs.dirs,
          topics: topics.size,
          metricsPort: metricsServer?.port,
        },
        'started',
      )
      return broker
    } catch (err) {
      await metricsServer?.close()
      if (transactions) await closeTransactions(transactions)
      if (groups) await closeGroups(groups)
      await logs?.close()
      await logDirs.close()
      throw err
    }
  }

  /** The bound listeners, with the port each got. */
  get listeners(): readonly BoundListener[] {
    return this.#server.bound
  }

  /** The bound port of the metrics and health endpoint; undefined when metrics.port is -1. */
  get metricsPort(): number | undefined {
    return this.#metricsServer?.port
  }

  /** host:port of the first advertised listener: what a client bootstraps from. */
  get bootstrap(): string {
    const first = this.cluster.advertisedEndpoints[0]
    if (!first) throw new Error('no advertised listener')
    return `${first.host.includes(':') ? `[${first.host}]` : first.host}:${first.port}`
  }

  /** Stops accepting, answers in-flight requests, closes connections and files. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown()
    return this.#closing
  }

  async #shutdown(): Promise<void> {
    this.#log.info('shutting down')
    this.metrics.state = BrokerState.SHUTTING_DOWN
    // Long polls answer now rather than hold the connections open for their maxWait.
    this.fetches.close()
    await this.#server.close()
    // Before the logs close: parked joins are answered and no timer writes to a closed log.
    if (this.#transactions) await closeTransactions(this.#transactions)
    await closeGroups(this.groups)
    await this.cluster.topics.flush()
    await this.replicas.logs.close()
    await this.logDirs.close()
    await this.#metricsServer?.close()
    this.metrics.state = BrokerState.NOT_RUNNING
    this.#log.info('stopped')
  }
}

/** Lets topic creation and replays finish (they use the logs about to close), then stops the coordinator. */
async function closeGroups(groups: BrokerGroups): Promise<void> {
  await groups.settled()
  groups.coordinator.close()
}

/** As closeGroups; markers still being written stop (they are written again when the state is reloaded). */
async function closeTransactions(transactions: BrokerTransactions): Promise<void> {
  await transactions.settled()
  transactions.coordinator.close()
}

/** Advertised port 0 means "the port this listener was bound to". */
function advertise(endpoint: Endpoint, boundPort: number): AdvertisedEndpoint {
  return {
    listenerName: endpoint.listenerName,
    securityProtocol: endpoint.securityProtocol,
    host: advertisedHost(endpoint),
    port: endpoint.port === 0 ? boundPort : endpoint.port,
  }
}

function formatEndpoint(endpoint: Endpoint, port: number): string {
  const host = endpoint.host ?? ''
  return `${endpoint.listenerName}://${host.includes(':') ? `[${host}]` : host}:${port}`
}
