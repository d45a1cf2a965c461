/**
 * The broker's config as Kafka layers it: this node's dynamic configs, then the cluster-wide
 * dynamic defaults, then the static config (server.properties, environment), then the table's
 * defaults. A key's effective value is the first layer that sets it.
 *
 * The first broker synonym of each topic config can change at runtime (Kafka's
 * DynamicLogConfig.ReconfigurableConfigs); those all reach the partitions through the topic
 * configs' defaults, which are recomputed on every change. So can the log cleaner's settings
 * (LogCleaner.ReconfigurableConfigs), which the cleaner reads at each round.
 */
import type { BrokerConfig, BrokerConfigKey, BrokerConfigValues } from './broker-config.js'
import { brokerConfigDefs } from './broker-configs.js'
import { formatConfigValue, parseConfigValue } from './config-def.js'
import type { ConfigDef } from './config-def.js'
import { ConfigSource } from './config-source.js'
import type { ConfigSourceId } from './config-source.js'
import { DynamicBrokerConfigs } from './dynamic-broker-configs.js'
import { topicConfigDefs } from './topic-configs.js'

export interface LayerValue {
  readonly raw: string
  readonly source: ConfigSourceId
}

export interface ConfigSynonym {
  readonly name: string
  readonly value: string | null
  readonly source: ConfigSourceId
}

/** Kafka's LogCleaner.ReconfigurableConfigs. */
export const LOG_CLEANER_DYNAMIC_KEYS: ReadonlySet<string> = new Set([
  'log.cleaner.threads',
  'log.cleaner.dedupe.buffer.size',
  'log.cleaner.io.buffer.load.factor',
  'log.cleaner.io.buffer.size',
  'log.cleaner.io.max.bytes.per.second',
  'log.cleaner.backoff.ms',
])

/** Broker configs that AlterConfigs may change: the first broker synonym of each topic config, and the cleaner's. */
export const DYNAMIC_BROKER_KEYS: ReadonlySet<string> = new Set([
  ...Object.values(topicConfigDefs).flatMap((d) => (d.synonyms[0] ? [d.synonyms[0].name] : [])),
  ...LOG_CLEANER_DYNAMIC_KEYS,
])

export function isBrokerConfigKey(key: string): key is BrokerConfigKey {
  return Object.hasOwn(brokerConfigDefs, key)
}

export class BrokerConfigLayers {
  readonly static: BrokerConfig
  readonly dynamic: DynamicBrokerConfigs

  constructor(staticConfig: BrokerConfig, dynamic: DynamicBrokerConfigs = DynamicBrokerConfigs.none()) {
    this.static = staticConfig
    this.dynamic = dynamic
  }

  /** The highest layer that sets `key`, or undefined when it is at its default. */
  setIn(key: string): LayerValue | undefined {
    const own = this.dynamic.get('broker')[key]
    if (own !== undefined) return { raw: own, source: ConfigSource.DYNAMIC_BROKER_CONFIG }
    const cluster = this.dynamic.get('clusterDefault')[key]
    if (cluster !== undefined) return { raw: cluster, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG }
    const fixed = isBrokerConfigKey(key) ? this.static.explicit.get(key) : undefined
    return fixed === undefined ? undefined : { raw: fixed, source: ConfigSource.STATIC_BROKER_CONFIG }
  }

  /** The effective value. A dynamic value that no longer parses (an edited file) is passed over. */
  get<K extends BrokerConfigKey>(key: K): BrokerConfigValues[K] {
    const layer = this.setIn(key)
    if (layer && layer.source !== ConfigSource.STATIC_BROKER_CONFIG) {
      try {
        return parseConfigValue(key, brokerConfigDefs[key] as ConfigDef<BrokerConfigValues[K]>, layer.raw)
      } catch {
        return this.static.get(key)
      }
    }
    return this.static.get(key)
  }

  /**
   * Kafka's ConfigHelper.configSynonyms: `names` looked up in each layer in turn (layer first, then
   * name), then the leading entries before the first one named `name` dropped.
   */
  synonyms(name: string, names: readonly string[]): ConfigSynonym[] {
    const all: ConfigSynonym[] = []
    const layers: [Readonly<Record<string, string>>, ConfigSourceId][] = [
      [this.dynamic.get('broker'), ConfigSource.DYNAMIC_BROKER_CONFIG],
      [this.dynamic.get('clusterDefault'), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
    ]
    for (const [values, source] of layers) {
      for (const n of names) if (values[n] !== undefined) all.push({ name: n, value: values[n]!, source })
    }
    for (const n of names) {
      const raw = isBrokerConfigKey(n) ? this.static.explicit.get(n) : undefined
      if (raw !== undefined) all.push({ name: n, value: raw, source: ConfigSource.STATIC_BROKER_CONFIG })
    }
    for (const n of names) {
      const def = isBrokerConfigKey(n) ? (brokerConfigDefs[n] as ConfigDef<unknown>) : undefined
      if (def && def.default !== null) all.push({ name: n, value: formatConfigValue(def.default), source: ConfigSource.DEFAULT_CONFIG })
    }
    const first = all.findIndex((s) => s.name === name)
    return first < 0 ? [] : all.slice(first)
  }
}

/** Kafka's DynamicBrokerConfig.brokerConfigSynonyms: the keys that stand in for one another. */
export function brokerConfigSynonyms(name: string): readonly string[] {
  switch (name) {
    case 'log.roll.ms':
    case 'log.roll.hours':
      return ['log.roll.ms', 'log.roll.hours']
    case 'log.roll.jitter.ms':
    case 'log.roll.jitter.hours':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours']
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms']
    case 'log.retention.ms':
    case 'log.retention.minutes':
    case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']
    default:
      return [name]
  }
}
