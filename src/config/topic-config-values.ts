/**
 * Parsing and checking topic config overrides as Kafka's controller does for CreateTopics
 * (ConfigurationControlManager, then LogConfig.validate), with Kafka's INVALID_CONFIG messages:
 * null values first, then unknown names, then each value in table order, then the rules that
 * relate several keys, checked on the effective config (broker defaults under the overrides).
 */
import { formatConfigValue, parseConfigValue } from './config-def.js'
import type { ConfigType } from './config-def.js'
import { invalidValueMessage } from './kafka-validators.js'
import type { KafkaValidator } from './kafka-validators.js'
import { TOPIC_CONFIG_KEYS, isTopicConfigKey, topicConfigDefs } from './topic-configs.js'
import type { TopicConfigKey, TopicConfigValues } from './topic-configs.js'

export interface ConfigEntry {
  readonly name: string
  readonly value: string | null
}

/** Parsed overrides: only the keys given. */
export type TopicConfigOverrides = Partial<{ -readonly [K in TopicConfigKey]: TopicConfigValues[K] }>

export type Parsed<T> = { readonly value: T } | { readonly error: string }

/** ConfigDef.parseType's messages for text that is not of the key's type. */
const TYPE_MESSAGES: Partial<Record<ConfigType, string>> = {
  boolean: 'Expected value to be either true or false',
  short: 'Not a number of type SHORT',
  int: 'Not a number of type INT',
  long: 'Not a number of type LONG',
  double: 'Not a number of type DOUBLE',
}

/**
 * One value, parsed and validated; the error is Kafka's whole message. `shownKey` names a broker
 * synonym validated by the topic config's rules (a dynamic broker config).
 */
export function parseTopicConfig<K extends TopicConfigKey>(key: K, raw: string, shownKey: string = key): Parsed<TopicConfigValues[K]> {
  const def = topicConfigDefs[key]
  let value: TopicConfigValues[K]
  try {
    value = parseConfigValue(key, { type: def.type, default: null, doc: def.doc }, raw) as TopicConfigValues[K]
  } catch {
    return { error: invalidValueMessage(shownKey, raw, TYPE_MESSAGES[def.type] ?? 'Invalid value') }
  }
  const refusal = (def.validate as KafkaValidator<TopicConfigValues[K]> | undefined)?.(value)
  return refusal ? { error: invalidValueMessage(shownKey, refusal.shown ?? raw, refusal.message) } : { value }
}

/**
 * The INVALID_CONFIG message for the configs of a topic being created, or undefined when they
 * are acceptable. `defaults` are the values the topic gets where it does not override them.
 */
export function topicConfigsProblem(entries: readonly ConfigEntry[], defaults: TopicConfigValues): string | undefined {
  const nulls = entries.filter((e) => e.value === null).map((e) => e.name)
  if (nulls.length > 0) return `Null value not supported for topic configs: ${nulls.join(',')}`
  const unknown = entries.find((e) => !isTopicConfigKey(e.name))
  if (unknown) return `Unknown topic config name: ${unknown.name}`
  const parsed = parseOverrides(entries)
  if ('error' in parsed) return parsed.error
  return crossFieldProblem({ ...defaults, ...parsed.value })
}

/** Known keys parsed in table order (a later duplicate wins, as in Kafka's map); the first bad value is the error. */
export function parseOverrides(entries: readonly ConfigEntry[]): Parsed<TopicConfigOverrides> {
  const raw = new Map<string, string>()
  for (const e of entries) if (e.value !== null) raw.set(e.name, e.value)
  const out: Record<string, unknown> = {}
  for (const key of TOPIC_CONFIG_KEYS) {
    const text = raw.get(key)
    if (text === undefined) continue
    const parsed = parseTopicConfig(key, text)
    if ('error' in parsed) return parsed
    out[key] = parsed.value
  }
  return { value: out as TopicConfigOverrides }
}

/** LogConfig.validateValues and the tiered-storage checks of validateTopicLogConfigValues. */
function crossFieldProblem(c: TopicConfigValues): string | undefined {
  const min = c['min.compaction.lag.ms']
  const max = c['max.compaction.lag.ms']
  if (min > max) {
    return `conflict topic config setting min.compaction.lag.ms (${min}) > max.compaction.lag.ms (${formatConfigValue(max)})`
  }
  if (c['remote.storage.enable']) {
    return 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.'
  }
  return undefined
}
