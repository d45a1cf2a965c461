// DescribeConfigs, AlterConfigs and IncrementalAlterConfigs over the raw protocol: Kafka's sources,
// synonyms, flags and error codes and messages, dynamic broker configs applied at once and kept
// across a restart.
import { describe, expect, it } from 'vitest'
import { ConfigSource } from '../src/config/config-source.js'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { AlterConfigs } from '../src/protocol/generated/alter-configs.js'
import { DescribeConfigs } from '../src/protocol/generated/describe-configs.js'
import type { DescribeConfigsResult } from '../src/protocol/generated/describe-configs.js'
import { IncrementalAlterConfigs } from '../src/protocol/generated/incremental-alter-configs.js'
import { tempDir, uniqueName } from './helpers/index.js'
import { brokerWithRawClient } from './helpers/raw-broker.js'

const TOPIC = 2
const BROKER = 4
const BROKER_LOGGER = 8
const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3]

const dataDir = tempDir()
const env = brokerWithRawClient({ config: { 'log.dirs': dataDir, 'log.retention.hours': '2', 'log.segment.bytes': '2097152' } })
const { call } = env

async function describeOne(version: number, type: number, name: string, keys: string[] | null = null, synonyms = true, docs = false) {
  const res = await call(DescribeConfigs, version, {
    resources: [{ resourceType: type, resourceName: name, configurationKeys: keys }],
    includeSynonyms: synonyms,
    includeDocumentation: docs,
  })
  return res.results[0]!
}

const byName = (r: DescribeConfigsResult) => new Map(r.configs.map((c) => [c.name, c]))

async function alter(type: number, name: string, configs: Record<string, string | null>, validateOnly = false, version = 2) {
  const res = await call(AlterConfigs, version, {
    resources: [{ resourceType: type, resourceName: name, configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    validateOnly,
  })
  const r = res.responses[0]!
  return [r.errorCode, r.errorMessage]
}

async function incremental(type: number, name: string, ops: [string, number, string | null][], validateOnly = false, version = 1) {
  const res = await call(IncrementalAlterConfigs, version, {
    resources: [{ resourceType: type, resourceName: name, configs: ops.map(([n, configOperation, value]) => ({ name: n, configOperation, value })) }],
    validateOnly,
  })
  const r = res.responses[0]!
  return [r.errorCode, r.errorMessage]
}

async function topicValue(name: string, key: string): Promise<string | null | undefined> {
  return byName(await describeOne(4, TOPIC, name, [key])).get(key)?.value
}

describe('DescribeConfigs', () => {
  it('describes a topic: overrides, inherited broker values, synonyms in Kafka order, types and docs (v4)', async () => {
    const name = uniqueName('dc')
    await env.broker.cluster.createTopic({ name, partitions: 1, configs: { 'cleanup.policy': 'compact', 'retention.ms': '60000' } })
    const result = await describeOne(4, TOPIC, name, null, true, true)
    expect(result).toMatchObject({ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: name })
    const configs = byName(result)
    expect(result.configs.map((c) => c.name)).toEqual([...configs.keys()].sort())
    expect(configs.get('cleanup.policy')).toMatchObject({
      value: 'compact',
      readOnly: false,
      isSensitive: false,
      configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG,
      configType: 7,
      synonyms: [
        { name: 'cleanup.policy', value: 'compact', source: ConfigSource.DYNAMIC_TOPIC_CONFIG },
        { name: 'log.cleanup.policy', value: 'delete', source: ConfigSource.DEFAULT_CONFIG },
      ],
    })
    expect(configs.get('cleanup.policy')!.documentation).toMatch(/compact/)
    expect(configs.get('segment.bytes')).toMatchObject({
      value: '2097152',
      configSource: ConfigSource.STATIC_BROKER_CONFIG,
      configType: 3,
      synonyms: [
        { name: 'log.segment.bytes', value: '2097152', source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: 'log.segment.bytes', value: '1073741824', source: ConfigSource.DEFAULT_CONFIG },
      ],
    })
    // Kafka's ConfigHelper drops synonyms before the first named log.retention.ms: hours alone leave none.
    expect(configs.get('retention.ms')!.synonyms).toEqual([{ name: 'retention.ms', value: '60000', source: ConfigSource.DYNAMIC_TOPIC_CONFIG }])
    expect(configs.get('flush.messages')).toMatchObject({ value: '9223372036854775807', configType: 5, configSource: ConfigSource.DEFAULT_CONFIG })
    const other = uniqueName('dc')
    await env.broker.cluster.createTopic({ name: other, partitions: 1 })
    expect(byName(await describeOne(4, TOPIC, other, ['retention.ms'])).get('retention.ms')).toMatchObject({
      value: '7200000',
      configSource: ConfigSource.DEFAULT_CONFIG,
      synonyms: [],
    })
  })

  it('filters by key, leaves out synonyms and docs unless asked, and answers v1', async () => {
    const name = uniqueName('dc')
    await env.broker.cluster.createTopic({ name, partitions: 1 })
    const v4 = await describeOne(4, TOPIC, name, ['segment.bytes', 'compression.type', 'no.such.key'], false, false)
    expect(v4.configs.map((c) => [c.name, c.synonyms, c.documentation])).toEqual([
      ['compression.type', [], null],
      ['segment.bytes', [], null],
    ])
    const v1 = await describeOne(1, TOPIC, name, ['compression.type'])
    expect(v1.configs).toEqual([
      expect.objectContaining({ name: 'compression.type', value: 'producer', configSource: ConfigSource.DEFAULT_CONFIG, synonyms: [{ name: 'compression.type', value: 'producer', source: ConfigSource.DEFAULT_CONFIG }] }),
    ])
  })

  it('answers UNKNOWN_TOPIC_OR_PARTITION, and the broker id and resource type errors as Kafka', async () => {
    expect(await describeOne(4, TOPIC, uniqueName('missing'))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, configs: [] })
    expect(await describeOne(4, BROKER, '7')).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Unexpected broker id, expected 1 or empty string, but received 7',
    })
    expect(await describeOne(4, BROKER, 'one')).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Broker id must be an integer, but it is: one' })
    expect(await describeOne(4, BROKER_LOGGER, '7')).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unexpected broker id, expected 1 but received 7' })
  })

  it('describes this broker: values, read-only flags and static synonyms', async () => {
    const configs = byName(await describeOne(4, BROKER, '1', null, true, true))
    expect(configs.get('log.segment.bytes')).toMatchObject({
      value: '2097152',
      readOnly: false,
      configSource: ConfigSource.STATIC_BROKER_CONFIG,
      configType: 3,
    })
    expect(configs.get('num.partitions')).toMatchObject({ value: '1', readOnly: true, configSource: ConfigSource.DEFAULT_CONFIG })
    expect(configs.get('log.retention.ms')).toMatchObject({ value: null, readOnly: false })
    expect(configs.get('log.retention.hours')).toMatchObject({ value: '2', readOnly: true, configSource: ConfigSource.STATIC_BROKER_CONFIG })
    expect(configs.get('node.id')!.documentation).toBeTruthy()
  })
})

describe('AlterConfigs and IncrementalAlterConfigs on topics', () => {
  it('replaces the whole set of overrides (AlterConfigs), validate-only changing nothing', async () => {
    const name = uniqueName('ac')
    await env.broker.cluster.createTopic({ name, partitions: 1, configs: { 'cleanup.policy': 'compact' } })
    expect(await alter(TOPIC, name, { 'retention.ms': '5000' }, true, 0)).toEqual([0, null])
    expect(env.broker.cluster.topics.get(name)!.configs).toEqual({ 'cleanup.policy': 'compact' })
    expect(await alter(TOPIC, name, { 'retention.ms': '5000' }, false, 1)).toEqual([0, null])
    expect(env.broker.cluster.topics.get(name)!.configs).toEqual({ 'retention.ms': '5000' })
    expect(env.broker.replicas.partition(name, 0)!.config).toMatchObject({ retentionMs: 5000, cleanupPolicy: ['delete'] })
    expect(await topicValue(name, 'cleanup.policy')).toBe('delete')
  })

  it('refuses bad values with INVALID_CONFIG naming the key, and unknown topics', async () => {
    const name = uniqueName('ac')
    await env.broker.cluster.createTopic({ name, partitions: 1 })
    expect(await alter(TOPIC, name, { 'retention.ms': 'soon' })).toEqual([
      ErrorCode.INVALID_CONFIG,
      'Invalid value soon for configuration retention.ms: Not a number of type LONG',
    ])
    expect(await alter(TOPIC, name, { 'segment.bytes': '10' })).toEqual([
      ErrorCode.INVALID_CONFIG,
      'Invalid value 10 for configuration segment.bytes: Value must be at least 1048576',
    ])
    expect(await alter(TOPIC, name, { 'retention.mss': '1' })).toEqual([ErrorCode.INVALID_CONFIG, 'Unknown topic config name: retention.mss'])
    expect(await alter(TOPIC, name, { 'retention.ms': null })).toEqual([ErrorCode.INVALID_CONFIG, 'Null value not supported for topic configs: retention.ms'])
    const missing = uniqueName('missing')
    expect(await alter(TOPIC, missing, { 'retention.ms': '1' })).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${missing}' does not exist.`])
    expect(await incremental(TOPIC, missing, [['retention.ms', SET, '1']])).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${missing}' does not exist.`])
    expect(env.broker.cluster.topics.get(name)!.configs).toEqual({})
  })

  it('SETs, DELETEs, APPENDs and SUBTRACTs (list configs only) on the current overrides', async () => {
    const name = uniqueName('iac')
    await env.broker.cluster.createTopic({ name, partitions: 1, configs: { 'retention.ms': '1000', 'segment.ms': '5000' } })
    expect(await incremental(TOPIC, name, [['retention.ms', DELETE, null], ['cleanup.policy', APPEND, 'compact'], ['max.message.bytes', SET, '2000']], false, 0)).toEqual([0, null])
    expect(env.broker.cluster.topics.get(name)!.configs).toEqual({ 'segment.ms': '5000', 'cleanup.policy': 'delete,compact', 'max.message.bytes': '2000' })
    expect(await incremental(TOPIC, name, [['cleanup.policy', SUBTRACT, 'delete']])).toEqual([0, null])
    expect(await topicValue(name, 'cleanup.policy')).toBe('compact')
    expect(env.broker.replicas.partition(name, 0)!.config).toMatchObject({ cleanupPolicy: ['compact'], maxMessageBytes: 2000, retentionMs: 7200000 })
    expect(await incremental(TOPIC, name, [['retention.ms', APPEND, '1']])).toEqual([
      ErrorCode.INVALID_CONFIG,
      "Can't APPEND to key retention.ms because its type is not LIST.",
    ])
    expect(await incremental(TOPIC, name, [['retention.ms', SET, '1'], ['retention.ms', DELETE, null]])).toEqual([
      ErrorCode.INVALID_REQUEST,
      'Error due to duplicate config keys : retention.ms',
    ])
    expect(await incremental(TOPIC, name, [['retention.ms', SET, null]])).toEqual([ErrorCode.INVALID_REQUEST, 'Null value not supported for : SET:retention.ms'])
    expect(await incremental(TOPIC, name, [['cleanup.policy', APPEND, 'shred']])).toEqual([
      ErrorCode.INVALID_CONFIG,
      'Invalid value shred for configuration cleanup.policy: String must be one of: compact, delete',
    ])
    expect(await incremental(TOPIC, name, [['segment.ms', SET, '9']], true)).toEqual([0, null])
    expect(await topicValue(name, 'segment.ms')).toBe('5000')
    expect(await incremental(BROKER_LOGGER, '1', [['root', SET, 'DEBUG']], true)).toEqual([ErrorCode.NONE, null])
  })
})

describe('dynamic broker configs', () => {
  it('refuses static configs, bad values and other broker ids as Kafka does', async () => {
    expect(await alter(BROKER, '', { 'num.partitions': '3', 'log.dirs': '/x', 'log.retention.ms': '1' })).toEqual([
      ErrorCode.INVALID_REQUEST,
      'Cannot update these configs dynamically: Set(num.partitions, log.dirs)',
    ])
    expect(await incremental(BROKER, '1', [['log.segment.bytes', SET, '10']])).toEqual([
      ErrorCode.INVALID_REQUEST,
      'Invalid value 10 for configuration log.segment.bytes: Value must be at least 1048576',
    ])
    expect(await incremental(BROKER, '2', [['log.retention.ms', SET, '1']])).toEqual([ErrorCode.INVALID_REQUEST, 'Unexpected broker id, expected 1, but received 2'])
    expect(await incremental(BROKER, 'x', [['log.retention.ms', SET, '1']])).toEqual([ErrorCode.INVALID_REQUEST, 'Node id must be an integer, but it is: x'])
    expect(await alter(BROKER, '', { 'log.retention.ms': null })).toEqual([ErrorCode.INVALID_REQUEST, 'Null value not supported for : log.retention.ms'])
  })

  it('applies cluster defaults and per-broker values to topics at once, with their sources, and keeps them across a restart', async () => {
    const name = uniqueName('dyn')
    await env.broker.cluster.createTopic({ name, partitions: 1 })
    expect(await incremental(BROKER, '', [['log.retention.ms', SET, '120000'], ['compression.type', SET, 'zstd']])).toEqual([0, null])
    expect(env.broker.replicas.partition(name, 0)!.config.retentionMs).toBe(120000)
    const topicConfigs = byName(await describeOne(4, TOPIC, name, ['retention.ms', 'compression.type']))
    expect(topicConfigs.get('retention.ms')).toMatchObject({
      value: '120000',
      configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
      synonyms: [
        { name: 'log.retention.ms', value: '120000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
        { name: 'log.retention.hours', value: '2', source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
      ],
    })
    expect(topicConfigs.get('compression.type')).toMatchObject({ value: 'zstd', configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG })
    expect(await incremental(BROKER, '1', [['log.retention.ms', SET, '90000'], ['some.plugin.key', SET, 'x']])).toEqual([0, null])
    expect(env.broker.replicas.partition(name, 0)!.config.retentionMs).toBe(90000)
    const own = byName(await describeOne(4, BROKER, '1', ['log.retention.ms', 'some.plugin.key']))
    expect(own.get('log.retention.ms')).toMatchObject({
      value: '90000',
      configSource: ConfigSource.DYNAMIC_BROKER_CONFIG,
      synonyms: [
        { name: 'log.retention.ms', value: '90000', source: ConfigSource.DYNAMIC_BROKER_CONFIG },
        { name: 'log.retention.ms', value: '120000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
        { name: 'log.retention.hours', value: '2', source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
      ],
    })
    expect(own.get('some.plugin.key')).toMatchObject({ value: null, isSensitive: true, configSource: ConfigSource.DYNAMIC_BROKER_CONFIG })
    const cluster = await describeOne(4, BROKER, '')
    expect(cluster.configs.map((c) => [c.name, c.value, c.configSource, c.synonyms.length])).toEqual([
      ['compression.type', 'zstd', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, 1],
      ['log.retention.ms', '120000', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, 1],
    ])

    await env.restart()
    expect(env.broker.replicas.partition(name, 0)!.config).toMatchObject({ retentionMs: 90000 })
    expect(await topicValue(name, 'compression.type')).toBe('zstd')
    // AlterConfigs replaces the set: the per-broker retention goes, the cluster default shows through.
    expect(await alter(BROKER, '1', {})).toEqual([0, null])
    expect(env.broker.replicas.partition(name, 0)!.config.retentionMs).toBe(120000)
    expect(await alter(BROKER, '', {})).toEqual([0, null])
    expect(env.broker.replicas.partition(name, 0)!.config.retentionMs).toBe(7200000)
  })
})
