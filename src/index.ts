/**
 * Embedding API: `startBroker()` runs a broker inside the calling process, by default on an
 * ephemeral port of 127.0.0.1 with a fresh temp data dir that `close()` removes.
 *
 *     const broker = await startBroker()
 *     const kafka = new Kafka({ brokers: [broker.bootstrap] })
 *     ...
 *     await broker.close()
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Broker } from './broker.js'
import type { Cluster } from './cluster/cluster.js'
import type { BrokerConfig } from './config/broker-config.js'
import { createLogger } from './log.js'
import type { LogLevel, Logger } from './log.js'

export { BrookError, BrookErrorCode } from './brook-error.js'
export type { Cluster } from './cluster/cluster.js'
export type { NewTopic, TopicInfo } from './cluster/topic-registry.js'
export type { BrokerConfig, BrokerConfigKey } from './config/broker-config.js'
export type { LogLevel, Logger } from './log.js'

export type ConfigInput = string | number | boolean | readonly string[]

export interface StartBrokerOptions {
  /**
   * Broker configs by Kafka name, e.g. `{ 'num.partitions': 3 }`. Defaults for embedding:
   * `listeners` PLAINTEXT://127.0.0.1:0, `log.dirs` a new temp dir (removed by `close()`) and
   * `group.initial.rebalance.delay.ms` 0.
   */
  readonly config?: Readonly<Record<string, ConfigInput>>
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
  /** Stops the broker; removes the data dir if startBroker created it. Safe to call twice. */
  close(): Promise<void>
}

/** A test fixture's groups should form at once, as with Kafka's sample server.properties. */
const EMBEDDED_DEFAULTS = { listeners: 'PLAINTEXT://127.0.0.1:0', 'group.initial.rebalance.delay.ms': '0' }

export async function startBroker(options: StartBrokerOptions = {}): Promise<BrokerHandle> {
  const given = new Map(Object.entries(options.config ?? {}).map(([k, v]) => [k, configText(v)]))
  const ownsDataDir = !given.has('log.dirs') && !given.has('log.dir')
  const tempDataDir = ownsDataDir ? await mkdtemp(join(tmpdir(), 'brook-')) : undefined
  const defaults = new Map<string, string>(Object.entries(EMBEDDED_DEFAULTS))
  if (tempDataDir) defaults.set('log.dirs', tempDataDir)
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
