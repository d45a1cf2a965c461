/**
 * Embedding API: `startBroker()` runs a broker inside the calling process, by default on an
 * ephemeral port of 127.0.0.1 with a fresh temp data dir that `close()` removes.
 *
 *     const broker = await startBroker()
 *     const kafka = new Kafka({ brokers: [broker.bootstrap] })
 *     ...
 *     await broker.reset()   // between tests: no user topics, no groups
 *     await broker.close()
 *
 * docs/embedding.md shows vitest and jest global setups.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Broker } from './broker.js'
import type { Cluster } from './cluster/cluster.js'
import type { BrokerConfig } from './config/broker-config.js'
import { resetBroker } from './embedding/reset.js'
import type { ResetResult } from './embedding/reset.js'
import { createLogger } from './log.js'
import type { LogLevel, Logger } from './log.js'

export { BrookError, BrookErrorCode } from './brook-error.js'
export type { Cluster } from './cluster/cluster.js'
export type { NewTopic, TopicInfo } from './cluster/topic-registry.js'
export type { BrokerConfig, BrokerConfigKey } from './config/broker-config.js'
export type { LogLevel, Logger } from './log.js'
export type { ResetResult } from './embedding/reset.js'

export type ConfigInput = string | number | boolean | readonly string[]

export interface StartBrokerOptions {
  /**
   * Broker configs by Kafka name, e.g. `{ 'num.partitions': 3 }`. Defaults for embedding:
   * `listeners` PLAINTEXT://127.0.0.1:0, `log.dirs` a new temp dir (removed by `close()`) and
   * `group.initial.rebalance.delay.ms` 0.
   */
  readonly config?: Readonly<Record<string, ConfigInput>>
  /** Port of the PLAINTEXT listener on 127.0.0.1; default 0 (ephemeral). Ignored when config sets `listeners`. */
  readonly port?: number
  /**
   * Log dir to use and keep (a restart test reopens it). Default: a new temp dir that `close()`
   * removes. Ignored when config sets `log.dirs` or `log.dir`.
   */
  readonly dataDir?: string
  /** Port of GET /metrics, /health and /health/ready (`metrics.port`); default off, 0 for ephemeral. */
  readonly metricsPort?: number
  /** Level of the broker's own logger (JSON lines on stdout). Default `warn`. */
  readonly logLevel?: LogLevel
  /** A pino logger to use instead (its level applies). */
  readonly logger?: Logger
  /** Cluster id for a data dir formatted now (22 base64url characters); random by default. */
  readonly clusterId?: string
}

export interface BrokerHandle {
  /** `host:port` to give clients as their bootstrap server. */
  readonly bootstrap: string
  readonly host: string
  readonly port: number
  readonly config: BrokerConfig
  /** The first log dir: meta.properties, the topic registry and (later) the partitions live here. */
  readonly dataDir: string
  readonly logDirs: readonly string[]
  /** Node id, cluster id, the topic registry, and `createTopic` (the topic and its logs, configs validated). */
  readonly cluster: Cluster
  /** The bound port of /metrics and /health, when metricsPort (or metrics.port) was set. */
  readonly metricsPort: number | undefined
  /** `http://127.0.0.1:<metricsPort>`, when metrics are served. */
  readonly metricsUrl: string | undefined
  /** Prometheus text of the broker's metrics, read now (needs no metrics port). */
  metrics(): string
  /**
   * Deletes every consumer group and every non-internal topic, for suites that share one broker.
   * Throws BROOK_ERR_RESET_FAILED naming groups that still have members (after deleting the rest).
   */
  reset(): Promise<ResetResult>
  /** Stops the broker; removes the data dir if startBroker created it. Safe to call twice. */
  close(): Promise<void>
}

/** A test fixture's groups should form at once, as with Kafka's sample server.properties. */
const EMBEDDED_DEFAULTS = { listeners: 'PLAINTEXT://127.0.0.1:0', 'group.initial.rebalance.delay.ms': '0' }

export async function startBroker(options: StartBrokerOptions = {}): Promise<BrokerHandle> {
  const given = new Map(Object.entries(options.config ?? {}).map(([k, v]) => [k, configText(v)]))
  const dirGiven = given.has('log.dirs') || given.has('log.dir') || options.dataDir !== undefined
  const tempDataDir = dirGiven ? undefined : await mkdtemp(join(tmpdir(), 'brook-'))
  const defaults = new Map<string, string>(Object.entries(EMBEDDED_DEFAULTS))
  const dataDir = options.dataDir ?? tempDataDir
  if (dataDir !== undefined) defaults.set('log.dirs', dataDir)
  if (options.port !== undefined) defaults.set('listeners', `PLAINTEXT://127.0.0.1:${options.port}`)
  if (options.metricsPort !== undefined) defaults.set('metrics.port', String(options.metricsPort))
  let broker: Broker
  try {
    broker = await Broker.start({
      configSources: [
        { name: 'startBroker defaults', entries: defaults },
        { name: 'startBroker options', entries: given },
      ],
      log: options.logger ?? createLogger({ level: options.logLevel ?? 'warn' }),
      clusterId: options.clusterId,
    })
  } catch (err) {
    if (tempDataDir) await rm(tempDataDir, { recursive: true, force: true })
    throw err
  }
  const advertised = broker.cluster.advertisedEndpoints[0]
  let closing: Promise<void> | undefined
  return {
    bootstrap: broker.bootstrap,
    host: advertised?.host ?? '',
    port: advertised?.port ?? 0,
    config: broker.config,
    dataDir: broker.logDirs.metadataDir,
    logDirs: broker.logDirs.dirs,
    cluster: broker.cluster,
    metricsPort: broker.metricsPort,
    metricsUrl: broker.metricsPort === undefined ? undefined : `http://127.0.0.1:${broker.metricsPort}`,
    metrics: () => broker.metrics.render(),
    reset: () => resetBroker(broker),
    close: () =>
      (closing ??= (async () => {
        await broker.close()
        if (tempDataDir) await rm(tempDataDir, { recursive: true, force: true })
      })()),
  }
}

function configText(value: ConfigInput): string {
  return typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : String(value)
}
