/**
 * DescribeConfigs, AlterConfigs and IncrementalAlterConfigs for topics and the broker, with the
 * checks, order and messages of Kafka's broker (ConfigAdminManager) and controller
 * (ConfigurationControlManager, ControllerConfigurationValidator):
 *
 * - topics: the whole new set of overrides is validated as CreateTopics validates configs
 *   (INVALID_CONFIG naming the key), then the topic must exist; the registry persists it and the
 *   topic config cache picks the new set up on the next lookup, so it applies at once;
 * - the broker: resource name "" (cluster-wide default) or this node's id; only the configs of
 *   DYNAMIC_BROKER_KEYS may change (INVALID_REQUEST "Cannot update these configs dynamically"),
 *   keys Brook does not know are kept as Kafka keeps them; the set is persisted in the metadata
 *   log dir and the topic defaults are recomputed.
 *
 * Changes run one at a time, so that incremental operations never work from a stale set.
 * Broker loggers (type 8): DescribeConfigs and IncrementalAlterConfigs (SET, DELETE) on this
 * node's loggers, as Kafka's Log4jController (broker-loggers.ts); AlterConfigs refuses them.
 */
import type { TopicRegistry } from '../cluster/topic-registry.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { DYNAMIC_BROKER_KEYS, LOG_CLEANER_DYNAMIC_KEYS, isBrokerConfigKey } from './broker-config-layers.js'
import type { BrokerConfigKey } from './broker-config.js'
import type { BrokerConfigLayers } from './broker-config-layers.js'
import type { BrokerLoggers } from './broker-loggers.js'
import { brokerConfigDefs } from './broker-configs.js'
import { parseConfigValue } from './config-def.js'
import type { ConfigDef } from './config-def.js'
import { describeBrokerConfigs, describeTopicConfigs } from './describe-configs.js'
import type { DescribeOptions, DescribedConfig } from './describe-configs.js'
import type { DynamicScope } from './dynamic-broker-configs.js'
import type { TopicConfigs } from './topic-config-cache.js'
import { parseTopicConfig } from './topic-config-values.js'
import { isTopicConfigKey, topicConfigDefs } from './topic-configs.js'
import type { TopicConfigKey } from './topic-configs.js'

/** Kafka's ConfigResource.Type ids. */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const
const RESOURCE_TYPE_NAMES: Record<number, string> = { 2: 'TOPIC', 4: 'BROKER', 8: 'BROKER_LOGGER', 16: 'CLIENT_METRICS', 32: 'GROUP' }

/** Kafka's AlterConfigOp.OpType ids. */
export const AlterOpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'] as const

export interface ConfigError {
  readonly errorCode: number
  readonly errorMessage: string | null
}

export interface ConfigEntryChange {
  readonly name: string
  readonly value: string | null
}

export interface ConfigOperation extends ConfigEntryChange {
  readonly op: number
}

export interface DescribeResult extends ConfigError {
  readonly configs: readonly DescribedConfig[]
}

type Resource = { readonly type: 'topic'; readonly name: string } | { readonly type: 'broker'; readonly scope: DynamicScope }

const fail = (errorCode: number, errorMessage: string | null): ConfigError => ({ errorCode, errorMessage })
const OK: ConfigError = fail(ErrorCode.NONE, null)

export interface ConfigAdminOptions {
  readonly topics: TopicRegistry
  readonly topicConfigs: TopicConfigs
  readonly nodeId: number
  /** This node's loggers (BROKER_LOGGER); without them the resource type is unsupported. */
  readonly loggers?: BrokerLoggers
}

export class ConfigAdmin {
  readonly #topics: TopicRegistry
  readonly #topicConfigs: TopicConfigs
  readonly #layers: BrokerConfigLayers
  readonly #nodeId: number
  readonly #loggers: BrokerLoggers | undefined
  #queue: Promise<unknown> = Promise.resolve()

  constructor(o: ConfigAdminOptions) {
    this.#topics = o.topics
    this.#topicConfigs = o.topicConfigs
    this.#layers = o.topicConfigs.broker
    this.#nodeId = o.nodeId
    this.#loggers = o.loggers
  }

  describe(resourceType: number, name: string, o: DescribeOptions): DescribeResult {
    if (resourceType === ConfigResourceType.TOPIC) {
      const topic = this.#topics.get(name)
      if (!topic) return { ...fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null), configs: [] }
      return { ...OK, configs: describeTopicConfigs(this.#topicConfigs, topic.configs, o) }
    }
    if (resourceType === ConfigResourceType.BROKER) {
      if (name === '') return { ...OK, configs: describeBrokerConfigs(this.#layers, false, o) }
      const id = Number(name)
      if (!/^[+-]?\d+$/.test(name)) return { ...fail(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`), configs: [] }
      if (id !== this.#nodeId) {
        const message = `Unexpected broker id, expected ${this.#nodeId} or empty string, but received ${name}`
        return { ...fail(ErrorCode.INVALID_REQUEST, message), configs: [] }
      }
      return { ...OK, configs: describeBrokerConfigs(this.#layers, true, o) }
    }
    if (resourceType === ConfigResourceType.BROKER_LOGGER && this.#loggers) {
      // Kafka's ConfigHelper wording, which differs from the BROKER branch above.
      if (name === '') return { ...fail(ErrorCode.INVALID_REQUEST, 'Broker id must not be empty'), configs: [] }
      if (!/^[+-]?\d+$/.test(name)) return { ...fail(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`), configs: [] }
      if (Number(name) !== this.#nodeId) return { ...fail(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${this.#nodeId} but received ${name}`), configs: [] }
      return { ...OK, configs: this.#loggers.describe(o) }
    }
    return { ...fail(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${typeName(resourceType)}`), configs: [] }
  }

  /** AlterConfigs: `entries` become the resource's whole set. */
  alter(resourceType: number, name: string, entries: readonly ConfigEntryChange[], validateOnly: boolean): Promise<ConfigError> {
    return this.#serialized(async () => {
      const resource = this.#resource(resourceType, name, 'AlterConfigs')
      if ('errorCode' in resource) return resource
      const nulls = entries.filter((e) => e.value === null).map((e) => e.name)
      if (resource.type === 'topic' && nulls.length > 0) {
        return fail(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${nulls.join(',')}`)
      }
      if (nulls.length > 0) return fail(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`)
      const next: Record<string, string> = {}
      for (const e of entries) next[e.name] = e.value!
      return this.#apply(resource, next, Object.keys(next), validateOnly)
    })
  }

  /** IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on the resource's current set. */
  incrementalAlter(resourceType: number, name: string, ops: readonly ConfigOperation[], validateOnly: boolean): Promise<ConfigError> {
    return this.#serialized(async () => {
      if (resourceType === ConfigResourceType.BROKER_LOGGER && this.#loggers) {
        return this.#loggerProblem(name) ?? duplicateKeysProblem(ops) ?? this.#loggers.alter(ops, validateOnly)
      }
      const resource = this.#resource(resourceType, name, 'IncrementalAlterConfigs')
      if ('errorCode' in resource) return resource
      const duplicates = duplicateKeysProblem(ops)
      if (duplicates) return duplicates
      const unknownOp = ops.find((o) => OP_NAMES[o.op] === undefined)
      if (unknownOp) return fail(ErrorCode.INVALID_REQUEST, `Unknown operations type ${unknownOp.op}`)
      const nulls = ops.filter((o) => o.value === null && o.op !== AlterOpType.DELETE).map((o) => `${OP_NAMES[o.op]}:${o.name}`)
      if (nulls.length > 0) return fail(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(',')}`)
      const next: Record<string, string> = { ...this.#current(resource) }
      for (const o of ops) {
        if (o.op === AlterOpType.SET) next[o.name] = o.value!
        else if (o.op === AlterOpType.DELETE) delete next[o.name]
        else {
          const def = resource.type === 'topic' ? topicDef(o.name) : brokerDef(o.name)
          if (def?.type !== 'list') {
            return fail(ErrorCode.INVALID_CONFIG, `Can't ${OP_NAMES[o.op]} to key ${o.name} because its type is not LIST.`)
          }
          next[o.name] = listOp(next[o.name] ?? listDefault(def), o.op, o.value!)
        }
      }
      const touched = ops.filter((o) => o.op !== AlterOpType.DELETE).map((o) => o.name)
      return this.#apply(resource, next, touched, validateOnly)
    })
  }

  #resource(resourceType: number, name: string, api: string): Resource | ConfigError {
    if (resourceType === ConfigResourceType.TOPIC) return { type: 'topic', name }
    if (resourceType === ConfigResourceType.BROKER) {
      if (name === '') return { type: 'broker', scope: 'clusterDefault' }
      if (!/^[+-]?\d+$/.test(name)) return fail(ErrorCode.INVALID_REQUEST, `Node id must be an integer, but it is: ${name}`)
      if (Number(name) !== this.#nodeId) {
        return fail(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${this.#nodeId}, but received ${name}`)
      }
      return { type: 'broker', scope: 'broker' }
    }
    return fail(ErrorCode.INVALID_REQUEST, `${api} is only supported for topics and brokers, but resource type is ${typeName(resourceType)}`)
  }

  /** Kafka's validateResourceNameIsCurrentNodeId: null when `name` is this node. */
  #loggerProblem(name: string): ConfigError | null {
    if (!/^[+-]?\d+$/.test(name)) return fail(ErrorCode.INVALID_REQUEST, `Node id must be an integer, but it is: ${name}`)
    if (Number(name) !== this.#nodeId) return fail(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${this.#nodeId}, but received ${name}`)
    return null
  }

  #current(resource: Resource): Readonly<Record<string, string>> {
    return resource.type === 'topic' ? (this.#topics.get(resource.name)?.configs ?? {}) : this.#layers.dynamic.get(resource.scope)
  }

  async #apply(resource: Resource, next: Record<string, string>, touched: readonly string[], validateOnly: boolean): Promise<ConfigError> {
    if (resource.type === 'topic') {
      const problem = this.#topicConfigs.problem(Object.entries(next).map(([name, value]) => ({ name, value })))
      if (problem) return fail(ErrorCode.INVALID_CONFIG, problem)
      if (!this.#topics.get(resource.name)) {
        return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${resource.name}' does not exist.`)
      }
      if (!validateOnly) await this.#topics.setConfigs(resource.name, next)
      return OK
    }
    const problem = brokerChangeProblem(next, touched) ?? this.#cleanerThreadsProblem(resource.scope, next)
    if (problem) return fail(ErrorCode.INVALID_REQUEST, problem)
    if (!validateOnly) await this.#layers.dynamic.replace(resource.scope, next)
    return OK
  }

  /**
   * Kafka's LogCleaner.validateReconfiguration, which runs only when the cleaner is enabled: the
   * thread count the change leaves in effect must be at least 1, at least half the current one
   * (rounded down) and at most double it.
   */
  #cleanerThreadsProblem(scope: DynamicScope, next: Readonly<Record<string, string>>): string | undefined {
    if (!this.#layers.get('log.cleaner.enable')) return undefined
    const key = 'log.cleaner.threads'
    const layer = (s: DynamicScope) => (s === scope ? next : this.#layers.dynamic.get(s))[key]
    const raw = layer('broker') ?? layer('clusterDefault')
    const current = this.#layers.get(key)
    let threads = this.#layers.static.get(key)
    try {
      if (raw !== undefined) threads = parseConfigValue(key, brokerConfigDefs[key], raw)
    } catch {
      // Only a hand-edited stored value fails here (the change's own values were checked); the layers pass over it too.
      threads = current
    }
    if (threads < 1) return 'Log cleaner threads should be at least 1'
    if (threads < Math.floor(current / 2)) return `Log cleaner threads cannot be reduced to less than half the current value ${current}`
    if (threads > current * 2) return `Log cleaner threads cannot be increased to more than double the current value ${current}`
    return undefined
  }

  #serialized<T>(change: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(change)
    this.#queue = result.catch(() => undefined)
    return result
  }
}

function duplicateKeysProblem(ops: readonly ConfigOperation[]): ConfigError | null {
  const counts = new Map<string, number>()
  for (const o of ops) counts.set(o.name, (counts.get(o.name) ?? 0) + 1)
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([k]) => k)
  return duplicates.length > 0 ? fail(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys : ${duplicates.join(',')}`) : null
}

/** DynamicBrokerConfig.validateConfigs: static keys first (all named), then each value by its topic config's rules. */
function brokerChangeProblem(next: Readonly<Record<string, string>>, touched: readonly string[]): string | undefined {
  const names = touched.filter((k) => k in next)
  const fixed = names.filter((k) => isBrokerConfigKey(k) && !DYNAMIC_BROKER_KEYS.has(k))
  if (fixed.length > 0) return `Cannot update these configs dynamically: Set(${fixed.join(', ')})`
  for (const key of names) {
    if (LOG_CLEANER_DYNAMIC_KEYS.has(key)) {
      try {
        parseConfigValue(key, brokerConfigDefs[key as BrokerConfigKey] as ConfigDef<unknown>, next[key]!)
      } catch (err) {
        return (err as Error).message
      }
      continue
    }
    const topicKey = TOPIC_KEY_OF_BROKER_KEY.get(key)
    if (!topicKey) continue
    const parsed = parseTopicConfig(topicKey, next[key]!, key)
    if ('error' in parsed) return parsed.error
  }
  return undefined
}

const TOPIC_KEY_OF_BROKER_KEY: ReadonlyMap<string, TopicConfigKey> = new Map(
  (Object.keys(topicConfigDefs) as TopicConfigKey[]).flatMap((k) => {
    const first = topicConfigDefs[k].synonyms[0]
    return first ? [[first.name, k] as const] : []
  }),
)

function topicDef(name: string): { type: string; default: unknown } | undefined {
  return isTopicConfigKey(name) ? topicConfigDefs[name] : undefined
}

function brokerDef(name: string): { type: string; default: unknown } | undefined {
  return isBrokerConfigKey(name) ? (brokerConfigDefs[name] as ConfigDef<unknown>) : undefined
}

function listDefault(def: { default: unknown }): string {
  return Array.isArray(def.default) ? def.default.join(',') : ''
}

/** ConfigurationControlManager: APPEND adds the values not there yet; SUBTRACT removes them; empty parts drop out. */
function listOp(current: string, op: number, value: string): string {
  const parts = current.split(',').filter((p) => p !== '')
  for (const v of value.split(',')) {
    if (op === AlterOpType.APPEND) {
      if (!parts.includes(v)) parts.push(v)
    } else {
      const i = parts.indexOf(v)
      if (i >= 0) parts.splice(i, 1)
    }
  }
  return parts.join(',')
}

function typeName(resourceType: number): string {
  return RESOURCE_TYPE_NAMES[resourceType] ?? 'UNKNOWN'
}
