// The log cleaner's broker configs: read-only or dynamic as in Kafka, validated, and a change to
// a reconfigurable one applies at once (the cleaner restarts its wait, as Kafka restarts its threads);
// the clean it runs shows in the cleaner's Prometheus gauges.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { ConfigSource } from '../../src/config/config-source.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { DescribeConfigs } from '../../src/protocol/generated/describe-configs.js'
import { IncrementalAlterConfigs } from '../../src/protocol/generated/incremental-alter-configs.js'
import { eventually, tempDir, uniqueName } from '../helpers/index.js'
import { brokerWithRawClient } from '../helpers/raw-broker.js'
import { sampleKey, scrape, value } from '../operations/prometheus.js'

const BROKER = 4
const SET = 0

const dir = tempDir()
const env = brokerWithRawClient({ config: { 'log.dirs': dir, 'log.cleaner.backoff.ms': '3600000', 'metrics.port': '0' } })

async function setBrokerConfig(name: string, value: string): Promise<[number, string | null]> {
  env.client.send(IncrementalAlterConfigs, 1, { resources: [{ resourceType: BROKER, resourceName: '1', configs: [{ name, configOperation: SET, value }] }], validateOnly: false })
  const r = (await env.client.receive(IncrementalAlterConfigs, 1)).body.responses[0]!
  return [r.errorCode, r.errorMessage]
}

describe('log cleaner broker configs', () => {
  it('are described as Kafka flags them, and a new log.cleaner.backoff.ms wakes the cleaner at once', async () => {
    env.client.send(DescribeConfigs, 4, {
      resources: [{ resourceType: BROKER, resourceName: '1', configurationKeys: ['log.cleaner.enable', 'log.cleaner.backoff.ms', 'log.cleaner.dedupe.buffer.size', 'log.cleaner.threads'] }],
      includeSynonyms: false,
      includeDocumentation: false,
    })
    const configs = (await env.client.receive(DescribeConfigs, 4)).body.results[0]!.configs
    expect(configs.map((c) => [c.name, c.value, c.readOnly, c.configSource])).toEqual([
      ['log.cleaner.backoff.ms', '3600000', false, ConfigSource.STATIC_BROKER_CONFIG],
      ['log.cleaner.dedupe.buffer.size', '134217728', false, ConfigSource.DEFAULT_CONFIG],
      ['log.cleaner.enable', 'true', true, ConfigSource.DEFAULT_CONFIG],
      ['log.cleaner.threads', '1', false, ConfigSource.DEFAULT_CONFIG],
    ])
    expect(await setBrokerConfig('log.cleaner.enable', 'false')).toEqual([ErrorCode.INVALID_REQUEST, 'Cannot update these configs dynamically: Set(log.cleaner.enable)'])
    const [code, message] = await setBrokerConfig('log.cleaner.backoff.ms', 'soon')
    expect(code).toBe(ErrorCode.INVALID_REQUEST)
    expect(message).toContain('log.cleaner.backoff.ms')

    // log.cleaner.threads moves at most by half or double of the current value, as Kafka's LogCleaner allows.
    expect(await setBrokerConfig('log.cleaner.threads', '3')).toEqual([ErrorCode.INVALID_REQUEST, 'Log cleaner threads cannot be increased to more than double the current value 1'])
    expect(await setBrokerConfig('log.cleaner.threads', '0')).toEqual([ErrorCode.INVALID_REQUEST, 'Log cleaner threads should be at least 1'])
    expect(await setBrokerConfig('log.cleaner.threads', '2')).toEqual([ErrorCode.NONE, null])
    expect(await setBrokerConfig('log.cleaner.threads', '4')).toEqual([ErrorCode.NONE, null])
    expect(await setBrokerConfig('log.cleaner.threads', '1')).toEqual([ErrorCode.INVALID_REQUEST, 'Log cleaner threads cannot be reduced to less than half the current value 4'])
    expect(await setBrokerConfig('log.cleaner.threads', '2')).toEqual([ErrorCode.NONE, null])

    // A compacted topic with closed segments, which the cleaner (waiting an hour) leaves alone.
    const topic = uniqueName('compacted')
    const kafka = new Kafka({ brokers: [env.broker.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.ms', value: '500' }, { name: 'min.cleanable.dirty.ratio', value: '0.01' }] }] })
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    const base = Date.now() - 60_000
    for (let round = 0; round < 3; round++) await producer.send({ topic, messages: [{ key: 'k', value: `v${round}`, timestamp: String(base + round * 1000) }] })
    await producer.disconnect()

    expect(await setBrokerConfig('log.cleaner.backoff.ms', '20')).toEqual([ErrorCode.NONE, null])
    await eventually(async () => {
      const text = await readFile(join(dir, 'cleaner-offset-checkpoint'), 'utf8')
      expect(text).toContain(`${topic} 0 2\n`)
    })

    // The clean is in the gauges under Kafka's names: 2 of its 3 records were dropped, so it wrote less than it read.
    const metrics = await scrape(`http://127.0.0.1:${env.broker.metricsPort}`)
    const names = ['max_buffer_utilization_percent', 'cleaner_recopy_percent', 'max_clean_time_secs', 'max_compaction_delay_secs'].map((n) => `kafka_log_logcleaner_${n}`)
    names.push('kafka_log_logcleanermanager_max_dirty_percent', 'kafka_log_logcleanermanager_time_since_last_run_ms')
    for (const name of names) expect(metrics.has(sampleKey(name)), name).toBe(true)
    expect(metrics.has(sampleKey('kafka_log_logcleanermanager_uncleanable_partitions_count', { logDirectory: dir }))).toBe(true)
    const recopy = value(metrics, 'kafka_log_logcleaner_cleaner_recopy_percent')
    expect(recopy).toBeGreaterThan(0)
    expect(recopy).toBeLessThan(100)
    expect(value(metrics, 'kafka_log_logcleaner_max_buffer_utilization_percent')).toBe(0)
    expect(value(metrics, 'kafka_log_logcleaner_max_clean_time_secs')).toBe(0)
    expect(value(metrics, 'kafka_log_logcleaner_max_compaction_delay_secs')).toBe(0)
    expect(value(metrics, 'kafka_log_logcleanermanager_time_since_last_run_ms')).toBeLessThan(60_000)
    expect(value(metrics, 'kafka_log_logcleanermanager_uncleanable_partitions_count', { logDirectory: dir })).toBe(0)
  })
})
