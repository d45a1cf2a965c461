import { describe, expect, it } from 'vitest'
import { captureLogs } from '../../test/helpers/log-capture.js'
import { DEFAULT_LOG_CONFIG } from '../storage/log-config.js'
import { BrokerConfig } from './broker-config.js'
import { ConfigSource } from './config-source.js'
import { TopicConfigs } from './topic-config-cache.js'

function broker(entries: Record<string, string> = {}): BrokerConfig {
  return BrokerConfig.resolve([{ name: 'test', entries: new Map(Object.entries(entries)) }])
}

/** A registry stand-in: topics by name, each with a frozen configs object, as TopicRegistry keeps them. */
class Topics {
  readonly map = new Map<string, { configs: Readonly<Record<string, string>> }>()
  set(name: string, configs: Record<string, string>): void {
    this.map.set(name, { configs: Object.freeze({ ...configs }) })
  }
  get(name: string) {
    return this.map.get(name)
  }
}

describe('TopicConfigs', () => {
  it("gives a topic without overrides Kafka's defaults, as the storage had them", () => {
    const configs = new TopicConfigs(broker(), new Topics())
    expect(configs.logConfig('t')).toEqual({ ...DEFAULT_LOG_CONFIG, messageTimestampAfterMaxMs: 3600000 })
    expect(configs.validatorConfig('t')).toMatchObject({
      compressionType: 'producer',
      compressionGzipLevel: -1,
      compressionLz4Level: 9,
      compressionZstdLevel: 3,
      maxMessageBytes: 1048588,
      messageTimestampAfterMaxMs: 3600000,
    })
  })

  it('takes defaults from the first broker synonym set, converting hours and minutes', () => {
    const configs = new TopicConfigs(
      broker({
        'log.retention.hours': '1',
        'log.retention.minutes': '30',
        'log.roll.hours': '2',
        'log.segment.bytes': '2097152',
        'message.max.bytes': '2000',
        'compression.type': 'zstd',
        'log.message.timestamp.type': 'LogAppendTime',
        'log.cleanup.policy': 'compact,delete',
        'log.flush.scheduler.interval.ms': '5000',
      }),
      new Topics(),
    )
    expect(configs.logConfig('t')).toMatchObject({
      retentionMs: 30 * 60_000,
      segmentMs: 2 * 3_600_000,
      segmentBytes: 2097152,
      maxMessageBytes: 2000,
      messageTimestampType: 'LogAppendTime',
      cleanupPolicy: ['compact', 'delete'],
      flushMs: 5000,
    })
    expect(configs.validatorConfig('t').compressionType).toBe('zstd')
    expect(new TopicConfigs(broker({ 'log.retention.ms': '-5' }), new Topics()).logConfig('t').retentionMs).toBe(-1)
  })

  it("overlays the topic's overrides and recomputes when the registry replaces them", () => {
    const topics = new Topics()
    topics.set('orders', { 'retention.ms': '1000', 'compression.type': 'gzip', 'compression.gzip.level': '9' })
    const configs = new TopicConfigs(broker({ 'log.retention.hours': '1' }), topics)
    const first = configs.logConfig('orders')
    expect(first.retentionMs).toBe(1000)
    expect(configs.validatorConfig('orders')).toMatchObject({ compressionType: 'gzip', compressionGzipLevel: 9 })
    expect(configs.logConfig('orders')).toBe(first)
    expect(configs.logConfig('other').retentionMs).toBe(3_600_000)

    topics.set('orders', { 'retention.ms': '2000' })
    expect(configs.logConfig('orders').retentionMs).toBe(2000)
    expect(configs.validatorConfig('orders').compressionType).toBe('producer')
    topics.map.delete('orders')
    expect(configs.logConfig('orders').retentionMs).toBe(3_600_000)
  })

  it('uses message.timestamp.difference.max.ms for a bound left at Long.MAX_VALUE, as Kafka 3.8', () => {
    const topics = new Topics()
    topics.set('old', { 'message.timestamp.difference.max.ms': '5000' })
    topics.set('mixed', { 'message.timestamp.difference.max.ms': '5000', 'message.timestamp.after.max.ms': '9223372036854775807' })
    const configs = new TopicConfigs(broker(), topics)
    expect(configs.logConfig('old')).toMatchObject({ messageTimestampBeforeMaxMs: 5000, messageTimestampAfterMaxMs: 3600000 })
    expect(configs.logConfig('mixed')).toMatchObject({ messageTimestampBeforeMaxMs: 5000, messageTimestampAfterMaxMs: 5000 })
  })

  it('skips a stored value that no longer parses, with a warning', () => {
    const topics = new Topics()
    topics.set('t', { 'retention.ms': 'soon', 'segment.ms': '1000', 'no.such.key': '1' })
    const logs = captureLogs('warn')
    const configs = new TopicConfigs(broker(), topics, logs.logger)
    expect(configs.logConfig('t')).toMatchObject({ retentionMs: 604800000, segmentMs: 1000 })
    expect(logs.lines).toEqual([expect.objectContaining({ topic: 't', key: 'retention.ms', msg: 'ignoring an invalid stored topic config' })])
  })

  it('describes every config by name with its value and source', () => {
    const configs = new TopicConfigs(broker({ 'log.retention.hours': '2', 'log.roll.ms': '5000' }), new Topics())
    const described = configs.describe({ 'cleanup.policy': 'compact', 'segment.ms': '7000' })
    expect(described.map((c) => c.name)).toEqual([...described.map((c) => c.name)].sort())
    const byName = new Map(described.map((c) => [c.name, c]))
    expect(byName.get('cleanup.policy')).toEqual({ name: 'cleanup.policy', value: 'compact', source: ConfigSource.DYNAMIC_TOPIC_CONFIG })
    expect(byName.get('segment.ms')).toMatchObject({ value: '7000', source: ConfigSource.DYNAMIC_TOPIC_CONFIG })
    expect(byName.get('retention.ms')).toMatchObject({ value: '7200000', source: ConfigSource.STATIC_BROKER_CONFIG })
    expect(byName.get('flush.messages')).toMatchObject({ value: '9223372036854775807', source: ConfigSource.DEFAULT_CONFIG })
    expect(byName.get('leader.replication.throttled.replicas')).toMatchObject({ value: '', source: ConfigSource.DEFAULT_CONFIG })
    expect(byName.get('min.cleanable.dirty.ratio')).toMatchObject({ value: '0.5' })
  })
})
