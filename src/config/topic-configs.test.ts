import { describe, expect, it } from 'vitest'
import { COMPRESSION_CONFIG_NAMES } from '../replica/validator-config.js'
import { LOG_CONFIG_NAMES } from '../storage/log-config.js'
import { brokerConfigDefs } from './broker-configs.js'
import { formatConfigValue } from './config-def.js'
import { parseTopicConfig, topicConfigsProblem } from './topic-config-values.js'
import { TOPIC_CONFIG_KEYS, isTopicConfigKey, topicConfigDefs } from './topic-configs.js'
import type { TopicConfigDef, TopicConfigKey, TopicConfigValues } from './topic-configs.js'

const UNIT_MS = { minutes: 60_000, hours: 3_600_000 }
const defaults = Object.fromEntries(TOPIC_CONFIG_KEYS.map((k) => [k, topicConfigDefs[k].default])) as unknown as TopicConfigValues

function error(key: TopicConfigKey, raw: string): string | undefined {
  const parsed = parseTopicConfig(key, raw)
  return 'error' in parsed ? parsed.error : undefined
}

describe('topic config table', () => {
  it('has a key for every LogConfig and compression field', () => {
    for (const name of [...Object.values(LOG_CONFIG_NAMES), ...Object.values(COMPRESSION_CONFIG_NAMES)]) {
      expect(isTopicConfigKey(name), name).toBe(true)
    }
  })

  it("lists Kafka 4.x's topic configs and the three 3.8 keys 4.0 removed", () => {
    const kafka4 = [
      'cleanup.policy', 'compression.gzip.level', 'compression.lz4.level', 'compression.type', 'compression.zstd.level',
      'delete.retention.ms', 'file.delete.delay.ms', 'flush.messages', 'flush.ms', 'follower.replication.throttled.replicas',
      'index.interval.bytes', 'leader.replication.throttled.replicas', 'local.retention.bytes', 'local.retention.ms',
      'max.compaction.lag.ms', 'max.message.bytes', 'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms',
      'message.timestamp.type', 'min.cleanable.dirty.ratio', 'min.compaction.lag.ms', 'min.insync.replicas', 'preallocate',
      'remote.log.copy.disable', 'remote.log.delete.on.disable', 'remote.storage.enable', 'retention.bytes', 'retention.ms',
      'segment.bytes', 'segment.index.bytes', 'segment.jitter.ms', 'segment.ms', 'unclean.leader.election.enable',
    ]
    const removed = TOPIC_CONFIG_KEYS.filter((k) => (topicConfigDefs[k] as TopicConfigDef<unknown>).removedInKafka4)
    expect(removed.sort()).toEqual(['message.downconversion.enable', 'message.format.version', 'message.timestamp.difference.max.ms'])
    expect(TOPIC_CONFIG_KEYS.filter((k) => !removed.includes(k)).sort()).toEqual(kafka4)
  })

  it('inherits from broker configs whose default, in the topic unit, is the topic default', () => {
    for (const key of TOPIC_CONFIG_KEYS) {
      const def = topicConfigDefs[key] as TopicConfigDef<unknown>
      const first = def.synonyms.find((s) => brokerConfigDefs[s.name].default !== null)
      if (!first) continue
      const brokerDefault = brokerConfigDefs[first.name].default as unknown
      const converted = first.unit ? (brokerDefault as number) * UNIT_MS[first.unit] : brokerDefault
      expect(converted, `${key} <- ${first.name}`).toEqual(def.default)
    }
  })

  it('accepts every default, formatted as Kafka prints it', () => {
    for (const key of TOPIC_CONFIG_KEYS) {
      expect(parseTopicConfig(key, formatConfigValue(topicConfigDefs[key].default)), key).toEqual({ value: topicConfigDefs[key].default })
    }
  })

  it("refuses values with Kafka's messages", () => {
    expect(error('retention.ms', 'abc')).toBe('Invalid value abc for configuration retention.ms: Not a number of type LONG')
    expect(error('retention.ms', '-2')).toBe('Invalid value -2 for configuration retention.ms: Value must be at least -1')
    expect(error('segment.bytes', '2147483648')).toBe('Invalid value 2147483648 for configuration segment.bytes: Not a number of type INT')
    expect(error('segment.bytes', '1048575')).toBe('Invalid value 1048575 for configuration segment.bytes: Value must be at least 1048576')
    expect(error('preallocate', 'yes')).toBe('Invalid value yes for configuration preallocate: Expected value to be either true or false')
    expect(error('min.cleanable.dirty.ratio', '1.5')).toBe(
      'Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1',
    )
    expect(error('min.cleanable.dirty.ratio', 'half')).toBe(
      'Invalid value half for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE',
    )
    expect(error('cleanup.policy', 'delete,forever')).toBe(
      'Invalid value forever for configuration cleanup.policy: String must be one of: compact, delete',
    )
    expect(error('compression.type', 'brotli')).toBe(
      'Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer',
    )
    expect(error('compression.type', 'GZIP')).toMatch(/String must be one of/)
    expect(error('message.timestamp.type', 'createtime')).toBe(
      'Invalid value createtime for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime',
    )
    expect(error('compression.gzip.level', '0')).toBe(
      'Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1',
    )
    expect(error('compression.lz4.level', '18')).toBe('Invalid value 18 for configuration compression.lz4.level: Value must be no more than 17')
    expect(error('compression.zstd.level', '-131073')).toBe(
      'Invalid value -131073 for configuration compression.zstd.level: Value must be at least -131072',
    )
    expect(error('leader.replication.throttled.replicas', '0:1,x')).toBe(
      "Invalid value [0:1, x] for configuration leader.replication.throttled.replicas: leader.replication.throttled.replicas must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...",
    )
    expect(error('message.format.version', '9.9')).toBe('Invalid value 9.9 for configuration message.format.version: Version 9.9 is not a valid version')
  })

  it('parses what Kafka parses: trimmed text, booleans in any case, lists split on commas', () => {
    expect(parseTopicConfig('retention.ms', ' 1000 ')).toEqual({ value: 1000 })
    expect(parseTopicConfig('preallocate', 'TRUE')).toEqual({ value: true })
    expect(parseTopicConfig('cleanup.policy', 'compact , delete')).toEqual({ value: ['compact', 'delete'] })
    expect(parseTopicConfig('cleanup.policy', '')).toEqual({ value: [] })
    expect(parseTopicConfig('follower.replication.throttled.replicas', '*')).toEqual({ value: ['*'] })
    expect(parseTopicConfig('leader.replication.throttled.replicas', '0:1, 1:1')).toEqual({ value: ['0:1', '1:1'] })
    expect(parseTopicConfig('message.format.version', '2.8-IV1')).toEqual({ value: '2.8-IV1' })
    expect(parseTopicConfig('retention.bytes', '-7')).toEqual({ value: -7 })
  })
})

describe('topicConfigsProblem', () => {
  const problem = (...entries: [string, string | null][]) =>
    topicConfigsProblem(
      entries.map(([name, value]) => ({ name, value })),
      defaults,
    )

  it('accepts known keys with valid values', () => {
    expect(problem()).toBeUndefined()
    expect(problem(['retention.ms', '1000'], ['cleanup.policy', 'compact,delete'], ['compression.type', 'zstd'])).toBeUndefined()
  })

  it('checks null values, then names, then values in table order', () => {
    expect(problem(['retention.ms', null], ['bogus', '1'], ['segment.ms', null])).toBe(
      'Null value not supported for topic configs: retention.ms,segment.ms',
    )
    expect(problem(['retention.ms', 'x'], ['bogus', '1'])).toBe('Unknown topic config name: bogus')
    expect(problem(['retention.ms', 'x'], ['segment.bytes', 'y'])).toBe(
      'Invalid value y for configuration segment.bytes: Not a number of type INT',
    )
  })

  it('takes the last of duplicate keys, as Kafka', () => {
    expect(problem(['retention.ms', 'x'], ['retention.ms', '5'])).toBeUndefined()
  })

  it('relates min and max compaction lag on the effective config', () => {
    expect(problem(['min.compaction.lag.ms', '10'], ['max.compaction.lag.ms', '5'])).toBe(
      'conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)',
    )
    expect(problem(['max.compaction.lag.ms', '5'])).toBeUndefined()
    expect(topicConfigsProblem([{ name: 'max.compaction.lag.ms', value: '5' }], { ...defaults, 'min.compaction.lag.ms': 6 })).toBe(
      'conflict topic config setting min.compaction.lag.ms (6) > max.compaction.lag.ms (5)',
    )
  })

  it('refuses tiered storage as Kafka does when it is disabled', () => {
    expect(problem(['remote.storage.enable', 'true'])).toBe(
      'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.',
    )
    expect(problem(['remote.storage.enable', 'false'])).toBeUndefined()
  })
})
