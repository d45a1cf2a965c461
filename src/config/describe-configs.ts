/**
 * DescribeConfigs' entries for a topic and for the broker, as Kafka's ConfigHelper builds them:
 * the effective value, where it comes from (the first synonym's source), the synonyms in Kafka's
 * layer order, read-only and sensitive flags, the config type and, on request, our doc line.
 */
import { BrokerConfigLayers, DYNAMIC_BROKER_KEYS, brokerConfigSynonyms, isBrokerConfigKey } from './broker-config-layers.js'
import type { ConfigSynonym } from './broker-config-layers.js'
import { brokerConfigDefs } from './broker-configs.js'
import { formatConfigValue } from './config-def.js'
import type { ConfigDef, ConfigType } from './config-def.js'
import { ConfigSource } from './config-source.js'
import type { ConfigSourceId } from './config-source.js'
import type { TopicConfigs } from './topic-config-cache.js'
import { parseTopicConfig } from './topic-config-values.js'
import { TOPIC_CONFIG_KEYS, topicConfigDefs } from './topic-configs.js'

export interface DescribedConfig {
  readonly name: string
  readonly value: string | null
  readonly readOnly: boolean
  readonly source: ConfigSourceId
  readonly isSensitive: boolean
  readonly synonyms: readonly ConfigSynonym[]
  readonly configType: number
  readonly documentation: string | null
}

export interface DescribeOptions {
  readonly includeSynonyms: boolean
  readonly includeDocumentation: boolean
  /** Only these keys; null or empty: all. */
  readonly keys: readonly string[] | null
}

/** Kafka's DescribeConfigsResponse.ConfigType ids. */
const CONFIG_TYPE: Record<ConfigType, number> = {
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
  password: 9,
}
const UNKNOWN_TYPE = 0

function wanted(o: DescribeOptions): (name: string) => boolean {
  if (o.keys === null || o.keys.length === 0) return () => true
  const keys = new Set(o.keys)
  return (name) => keys.has(name)
}

/** Every topic config of a topic with these overrides, by name. */
export function describeTopicConfigs(configs: TopicConfigs, overrides: Readonly<Record<string, string>>, o: DescribeOptions): DescribedConfig[] {
  const include = wanted(o)
  return [...TOPIC_CONFIG_KEYS]
    .sort()
    .filter(include)
    .map((name) => {
      const def = topicConfigDefs[name]
      const own = overrides[name]
      const parsed = own === undefined ? undefined : parseTopicConfig(name, own)
      const value = formatConfigValue(parsed && 'value' in parsed ? parsed.value : configs.defaults[name])
      const first = def.synonyms[0]?.name
      const inherited = first ? configs.broker.synonyms(first, brokerConfigSynonyms(first)) : []
      const synonyms = own === undefined ? inherited : [{ name, value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }, ...inherited]
      return {
        name,
        value,
        readOnly: false,
        source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
        isSensitive: false,
        synonyms: o.includeSynonyms ? synonyms : [],
        configType: CONFIG_TYPE[def.type],
        documentation: o.includeDocumentation ? def.doc : null,
      }
    })
}

/**
 * The broker resource: this node's configs (`perBroker`), or the cluster-wide dynamic defaults
 * (resource name ""), which lists only the keys set there. Keys Brook does not know (accepted by
 * AlterConfigs, as Kafka accepts them) are described as Kafka describes a key of unknown type:
 * sensitive, value hidden.
 */
export function describeBrokerConfigs(layers: BrokerConfigLayers, perBroker: boolean, o: DescribeOptions): DescribedConfig[] {
  const include = wanted(o)
  const names = perBroker
    ? new Set([...Object.keys(brokerConfigDefs), ...Object.keys(layers.dynamic.get('broker')), ...Object.keys(layers.dynamic.get('clusterDefault'))])
    : new Set(Object.keys(layers.dynamic.get('clusterDefault')))
  return [...names]
    .sort()
    .filter(include)
    .map((name) => {
      const def = isBrokerConfigKey(name) ? (brokerConfigDefs[name] as ConfigDef<unknown>) : undefined
      const all = layers
        .synonyms(name, brokerConfigSynonyms(name))
        .filter((s) => perBroker || s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
        .map((s) => (def ? s : { ...s, value: null }))
      let value: string | null = null
      if (def && perBroker) {
        const effective = layers.get(name as keyof typeof brokerConfigDefs)
        value = effective === null ? null : formatConfigValue(effective)
      } else if (def) {
        value = layers.dynamic.get('clusterDefault')[name] ?? null
      }
      return {
        name,
        value,
        readOnly: !DYNAMIC_BROKER_KEYS.has(name),
        source: all[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
        isSensitive: def === undefined,
        synonyms: o.includeSynonyms ? all : [],
        configType: def ? CONFIG_TYPE[def.type] : UNKNOWN_TYPE,
        documentation: o.includeDocumentation ? (def?.doc ?? null) : null,
      }
    })
}
