import { BrookError, BrookErrorCode } from '../brook-error.js'
import { brokerConfigDefs } from './broker-configs.js'
import { LONG_MAX, parseConfigValue } from './config-def.js'
import type { ConfigDef, ConfigValue } from './config-def.js'

export type BrokerConfigKey = keyof typeof brokerConfigDefs
export type BrokerConfigValues = { readonly [K in BrokerConfigKey]: ConfigValue<(typeof brokerConfigDefs)[K]> }

/** Raw key/value strings from one place, named for error messages ("server.properties", "environment"). */
export interface ConfigSource {
  readonly name: string
  readonly entries: ReadonlyMap<string, string>
}

const MS_PER_MINUTE = 60_000
const MS_PER_HOUR = 3_600_000

/**
 * The broker's effective configuration: sources applied in order (later wins), every value parsed
 * and validated against the table. Keys not in the table are kept in `unknownKeys` for a log line.
 */
export class BrokerConfig {
  readonly #values: BrokerConfigValues
  readonly #explicit: ReadonlyMap<BrokerConfigKey, string>
  readonly unknownKeys: readonly string[]

  private constructor(values: BrokerConfigValues, explicit: Map<BrokerConfigKey, string>, unknown: string[]) {
    this.#values = values
    this.#explicit = explicit
    this.unknownKeys = unknown
  }

  /** Throws BROOK_ERR_CONFIG_INVALID naming the key, the value, the expected type and the source. */
  static resolve(sources: readonly ConfigSource[]): BrokerConfig {
    const raw = new Map<BrokerConfigKey, { value: string; source: string }>()
    const unknown = new Set<string>()
    for (const source of sources) {
      for (const [key, value] of source.entries) {
        if (isKnownKey(key)) raw.set(key, { value, source: source.name })
        else unknown.add(key)
      }
    }
    const values: Record<string, unknown> = {}
    const explicit = new Map<BrokerConfigKey, string>()
    for (const key of Object.keys(brokerConfigDefs) as BrokerConfigKey[]) {
      const def = brokerConfigDefs[key] as ConfigDef<unknown>
      const given = raw.get(key)
      if (!given) {
        values[key] = def.default
        continue
      }
      try {
        values[key] = parseConfigValue(key, def, given.value)
      } catch (err) {
        throw new BrookError(BrookErrorCode.CONFIG_INVALID, `${(err as Error).message} (from ${given.source})`)
      }
      explicit.set(key, given.value)
    }
    return new BrokerConfig(values as BrokerConfigValues, explicit, [...unknown].sort())
  }

  get<K extends BrokerConfigKey>(key: K): BrokerConfigValues[K] {
    return this.#values[key]
  }

  /** Keys set by a source, with the raw text given; the rest are at their defaults. */
  get explicit(): ReadonlyMap<BrokerConfigKey, string> {
    return this.#explicit
  }

  /** log.dirs, or log.dir when log.dirs is not set (Kafka's rule). */
  get logDirs(): readonly string[] {
    return this.#values['log.dirs'] ?? this.#values['log.dir']
  }

  /** log.retention.ms, else .minutes, else .hours; any negative value means "keep forever" (-1). */
  get logRetentionMs(): number {
    const ms =
      this.#values['log.retention.ms'] ??
      (this.#values['log.retention.minutes'] ?? this.#values['log.retention.hours'] * 60) * MS_PER_MINUTE
    return ms < 0 ? -1 : ms
  }

  /** log.roll.ms, else log.roll.hours. */
  get logRollMs(): number {
    return this.#values['log.roll.ms'] ?? this.#values['log.roll.hours'] * MS_PER_HOUR
  }

  /** log.flush.interval.ms; when not set Kafka falls back to a scheduler interval of Long.MAX_VALUE. */
  get logFlushIntervalMs(): number {
    return this.#values['log.flush.interval.ms'] ?? LONG_MAX
  }
}

function isKnownKey(key: string): key is BrokerConfigKey {
  return Object.hasOwn(brokerConfigDefs, key)
}
