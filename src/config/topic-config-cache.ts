/**
 * Each topic's effective config: the broker's defaults (the first broker synonym of each key set in
 * any layer, dynamic or static, else the topic default, as Kafka resolves them) overlaid by the
 * topic's own overrides from the registry. The storage reads `logConfig(topic)` on every use and
 * Produce reads `validatorConfig(topic)` on every request, so both are cached per topic.
 *
 * A cache entry remembers the registry's (frozen) configs object it was built from; a topic
 * created, recreated or altered gets a new object, so a changed topic is recomputed on its next
 * lookup without anyone having to invalidate it. A dynamic broker config change recomputes the
 * defaults and empties the cache.
 */
import type { Logger } from '../log.js'
import type { CleanupPolicy, LogConfig, MessageTimestampType } from '../storage/log-config.js'
import { validatorConfig } from '../replica/validator-config.js'
import type { TopicCompression, ValidatorConfig } from '../replica/validator-config.js'
import { BrokerConfig } from './broker-config.js'
import type { BrokerConfigKey } from './broker-config.js'
import { BrokerConfigLayers } from './broker-config-layers.js'
import { LONG_MAX, formatConfigValue } from './config-def.js'
import { ConfigSource } from './config-source.js'
import type { ConfigSourceId } from './config-source.js'
import { parseTopicConfig, topicConfigsProblem } from './topic-config-values.js'
import type { ConfigEntry } from './topic-config-values.js'
import { TOPIC_CONFIG_KEYS, topicConfigDefs } from './topic-configs.js'
import type { BrokerSynonym, TopicConfigKey, TopicConfigValues } from './topic-configs.js'

/** What the cache needs from the topic registry. */
export interface TopicConfigLookup {
  get(name: string): { readonly configs: Readonly<Record<string, string>> } | undefined
}

/** One config of a topic as CreateTopics v5+ (and DescribeConfigs) show it. */
export interface DescribedTopicConfig {
  readonly name: TopicConfigKey
  readonly value: string
  readonly source: ConfigSourceId
}

interface Entry {
  readonly overrides: Readonly<Record<string, string>>
  readonly log: Readonly<LogConfig>
  readonly validator: Readonly<ValidatorConfig>
}

const NO_OVERRIDES: Readonly<Record<string, string>> = Object.freeze({})
const UNIT_MS = { minutes: 60_000, hours: 3_600_000 } as const

export class TopicConfigs {
  /** The broker's config layers the topic defaults come from. */
  readonly broker: BrokerConfigLayers
  #defaults!: TopicConfigValues
  #defaultSources!: ReadonlyMap<TopicConfigKey, ConfigSourceId>
  readonly #topics: TopicConfigLookup
  readonly #log: Logger | undefined
  readonly #cache = new Map<string, Entry>()
  #defaultsEntry: Entry | undefined

  constructor(broker: BrokerConfig | BrokerConfigLayers, topics: TopicConfigLookup, log?: Logger) {
    this.broker = broker instanceof BrokerConfig ? new BrokerConfigLayers(broker) : broker
    this.#topics = topics
    this.#log = log
    this.#computeDefaults()
    // A dynamic broker config changes the defaults of every topic that does not override it, at once.
    this.broker.dynamic.onChange(() => this.#computeDefaults())
  }

  /** The values a topic gets for the keys it does not override. */
  get defaults(): TopicConfigValues {
    return this.#defaults
  }

  #computeDefaults(): void {
    const values: Record<string, unknown> = {}
    const sources = new Map<TopicConfigKey, ConfigSourceId>()
    for (const key of TOPIC_CONFIG_KEYS) {
      let source: ConfigSourceId = ConfigSource.DEFAULT_CONFIG
      values[key] = topicConfigDefs[key].default
      for (const synonym of topicConfigDefs[key].synonyms) {
        const layer = this.broker.setIn(synonym.name)
        if (!layer) continue
        values[key] = fromBroker(this.broker, synonym)
        source = layer.source
        break
      }
      sources.set(key, source)
    }
    this.#defaults = Object.freeze(values as TopicConfigValues)
    this.#defaultSources = sources
    this.#cache.clear()
    this.#defaultsEntry = undefined
  }

  /** The storage settings of `topic` (broker defaults for a topic that does not exist). */
  logConfig(topic: string): Readonly<LogConfig> {
    return this.#entry(topic).log
  }

  /** What Produce validates a batch for `topic` against. */
  validatorConfig(topic: string): Readonly<ValidatorConfig> {
    return this.#entry(topic).validator
  }

  /** CreateTopics' INVALID_CONFIG message for these configs, or undefined when they are acceptable. */
  problem(entries: readonly ConfigEntry[]): string | undefined {
    return topicConfigsProblem(entries, this.defaults)
  }

  /** Every topic config with the value and source a topic with these overrides has, by name. */
  describe(overrides: Readonly<Record<string, string>>): DescribedTopicConfig[] {
    return [...TOPIC_CONFIG_KEYS].sort().map((name) => {
      const own = overrides[name]
      if (own !== undefined) return { name, value: own, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }
      return { name, value: formatConfigValue(this.defaults[name]), source: this.#defaultSources.get(name)! }
    })
  }

  #entry(topic: string): Entry {
    const overrides = this.#topics.get(topic)?.configs ?? NO_OVERRIDES
    if (overrides === NO_OVERRIDES) {
      // A topic without overrides (or a deleted one) shares the defaults; drop what a deleted topic left.
      this.#cache.delete(topic)
      return (this.#defaultsEntry ??= this.#build(topic, NO_OVERRIDES))
    }
    const cached = this.#cache.get(topic)
    if (cached?.overrides === overrides) return cached
    const entry = this.#build(topic, overrides)
    this.#cache.set(topic, entry)
    return entry
  }

  #build(topic: string, overrides: Readonly<Record<string, string>>): Entry {
    const values = { ...this.defaults, ...this.#parseStored(topic, overrides) }
    const log = toLogConfig(values)
    const validator = validatorConfig(log, {
      compressionType: values['compression.type'] as TopicCompression,
      compressionGzipLevel: values['compression.gzip.level'],
      compressionLz4Level: values['compression.lz4.level'],
      compressionZstdLevel: values['compression.zstd.level'],
    })
    return { overrides, log, validator: Object.freeze(validator) }
  }

  /** Overrides were validated when they were set; a value that no longer parses (an edited file) is skipped. */
  #parseStored(topic: string, overrides: Readonly<Record<string, string>>): Partial<TopicConfigValues> {
    const out: Record<string, unknown> = {}
    for (const [key, raw] of Object.entries(overrides)) {
      if (!Object.hasOwn(topicConfigDefs, key)) continue
      const parsed = parseTopicConfig(key as TopicConfigKey, raw)
      if ('value' in parsed) out[key] = parsed.value
      else this.#log?.warn({ topic, key, value: raw, reason: parsed.error }, 'ignoring an invalid stored topic config')
    }
    return out as Partial<TopicConfigValues>
  }
}

/** A broker synonym's value in the topic config's unit. */
function fromBroker(broker: BrokerConfigLayers, synonym: BrokerSynonym): unknown {
  const value = broker.get(synonym.name as BrokerConfigKey)
  return synonym.unit && typeof value === 'number' ? value * UNIT_MS[synonym.unit] : value
}

function toLogConfig(c: TopicConfigValues): Readonly<LogConfig> {
  // Kafka 3.8: message.timestamp.difference.max.ms stands in for a before/after bound left at Long.MAX_VALUE.
  const difference = c['message.timestamp.difference.max.ms']
  const before = c['message.timestamp.before.max.ms']
  const after = c['message.timestamp.after.max.ms']
  return Object.freeze({
    cleanupPolicy: c['cleanup.policy'] as readonly CleanupPolicy[],
    segmentBytes: c['segment.bytes'],
    segmentMs: c['segment.ms'],
    segmentJitterMs: c['segment.jitter.ms'],
    segmentIndexBytes: c['segment.index.bytes'],
    indexIntervalBytes: c['index.interval.bytes'],
    // Kafka treats any negative broker retention as "forever" (-1).
    retentionMs: c['retention.ms'] < 0 ? -1 : c['retention.ms'],
    retentionBytes: c['retention.bytes'],
    flushMessages: c['flush.messages'],
    flushMs: c['flush.ms'],
    fileDeleteDelayMs: c['file.delete.delay.ms'],
    maxMessageBytes: c['max.message.bytes'],
    messageTimestampType: c['message.timestamp.type'] as MessageTimestampType,
    messageTimestampBeforeMaxMs: before !== LONG_MAX ? before : difference,
    messageTimestampAfterMaxMs: after !== LONG_MAX ? after : difference,
    minInsyncReplicas: c['min.insync.replicas'],
    deleteRetentionMs: c['delete.retention.ms'],
    minCompactionLagMs: c['min.compaction.lag.ms'],
    maxCompactionLagMs: c['max.compaction.lag.ms'],
    minCleanableDirtyRatio: c['min.cleanable.dirty.ratio'],
    preallocate: c.preallocate,
  })
}
