// Topic and broker configs through real clients: kafkajs (DescribeConfigs v2, AlterConfigs v1),
// @platformatic/kafka (flexible versions: DescribeConfigs v4, IncrementalAlterConfigs v1,
// DescribeLogDirs v4), kafka-python's KafkaAdminClient and librdkafka through confluent-kafka-python
// 1.7.0 (which has no incremental_alter_configs yet), each checked against what the broker holds.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { Admin as PlatformaticAdmin } from '@platformatic/kafka'
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs'
import type { Admin, Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../src/broker.js'
import { ConfigSource } from '../src/config/config-source.js'
import { uniqueName } from './helpers/index.js'
import { startTestBroker } from './helpers/broker.js'

const run = promisify(execFile)

let broker: Broker
let kafka: Kafka
let admin: Admin
let producer: Producer
beforeAll(async () => {
  broker = await startTestBroker()
  kafka = new Kafka({ clientId: 'brook-config-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50 } })
  admin = kafka.admin()
  producer = kafka.producer()
  await Promise.all([admin.connect(), producer.connect()])
})
afterAll(async () => {
  await Promise.all([admin.disconnect(), producer.disconnect()])
  await broker.close()
})

async function kafkajsTopicConfig(name: string, key: string) {
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name, configNames: [key] }] })
  return resources[0]!.configEntries.find((e) => e.configName === key)
}

describe('kafkajs admin configs', () => {
  it('describes a topic, alters retention.ms and sees the change in describe and in the log', async () => {
    const name = uniqueName('kjs-cfg')
    await broker.cluster.createTopic({ name, partitions: 1 })
    expect(await kafkajsTopicConfig(name, 'retention.ms')).toMatchObject({ configValue: '604800000', isDefault: true, readOnly: false, configSource: ConfigSource.DEFAULT_CONFIG })
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] })
    expect(await kafkajsTopicConfig(name, 'retention.ms')).toMatchObject({ configValue: '3600000', isDefault: false, configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG })
    expect(broker.replicas.partition(name, 0)!.config.retentionMs).toBe(3600000)
    await expect(
      admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries: [{ name: 'retention.ms', value: 'x' }] }] }),
    ).rejects.toMatchObject({ type: 'INVALID_CONFIG' })
  })

  it('describes this broker with synonyms', async () => {
    const { resources } = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['log.retention.hours', 'num.partitions'] }] })
    const entries = new Map(resources[0]!.configEntries.map((e) => [e.configName, e]))
    expect(entries.get('num.partitions')).toMatchObject({ configValue: '1', readOnly: true })
    expect(entries.get('log.retention.hours')!.configSynonyms).toEqual([
      { configName: 'log.retention.hours', configValue: '168', configSource: ConfigSource.DEFAULT_CONFIG },
    ])
  })

  it('rolls a segment once segment.bytes is lowered, without a restart', async () => {
    const name = uniqueName('kjs-roll')
    await broker.cluster.createTopic({ name, partitions: 1 })
    const value = Buffer.alloc(400_000, 7)
    const log = () => broker.replicas.partition(name, 0)!
    for (let i = 0; i < 2; i++) await producer.send({ topic: name, messages: [{ value }] })
    expect(log().segmentCount).toBe(1)
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries: [{ name: 'segment.bytes', value: '1048576' }] }] })
    for (let i = 0; i < 2; i++) await producer.send({ topic: name, messages: [{ value }] })
    expect(log().segmentCount).toBe(2)
    expect(log().segmentBaseOffsets).toEqual([0, 2])
  })
})

describe('@platformatic/kafka admin configs', () => {
  it('describes with documentation, alters incrementally and describes log dirs', async () => {
    const client = new PlatformaticAdmin({ clientId: 'brook-config-test', bootstrapBrokers: [broker.bootstrap] })
    try {
      const name = uniqueName('plat-cfg')
      await broker.cluster.createTopic({ name, partitions: 2 })
      await client.incrementalAlterConfigs({
        resources: [
          {
            resourceType: 2,
            resourceName: name,
            configs: [
              { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
              { name: 'max.message.bytes', configOperation: 0, value: '65536' },
            ],
          },
        ],
      })
      expect(broker.cluster.topics.get(name)!.configs).toEqual({ 'cleanup.policy': 'delete,compact', 'max.message.bytes': '65536' })
      const [described] = await client.describeConfigs({
        resources: [{ resourceType: 2, resourceName: name, configurationKeys: ['cleanup.policy', 'max.message.bytes'] }],
        includeSynonyms: true,
        includeDocumentation: true,
      })
      expect(described!.configs.map((c) => [c.name, c.value, c.configSource, c.configType])).toEqual([
        ['cleanup.policy', 'delete,compact', ConfigSource.DYNAMIC_TOPIC_CONFIG, 7],
        ['max.message.bytes', '65536', ConfigSource.DYNAMIC_TOPIC_CONFIG, 3],
      ])
      expect(described!.configs[0]!.documentation).toBeTruthy()
      // This client routes a broker resource to the broker its name parses to, so "" (cluster default) would go to node 0.
      await client.alterConfigs({ resources: [{ resourceType: 4, resourceName: '1', configs: [{ name: 'log.retention.ms', value: '86400000' }] }] })
      expect(broker.replicas.partition(name, 0)!.config.retentionMs).toBe(86400000)
      await client.alterConfigs({ resources: [{ resourceType: 4, resourceName: '1', configs: [] }] })
      expect(broker.replicas.partition(name, 0)!.config.retentionMs).toBe(604800000)

      const [dirs] = await client.describeLogDirs({ topics: [{ name, partitions: [0, 1] }] })
      expect(dirs!.broker).toBe(1)
      expect(dirs!.results[0]!.topics[0]!.partitions.map((p) => p.partitionIndex).sort()).toEqual([0, 1])
      expect(dirs!.results[0]!.totalBytes).toBeGreaterThan(0n)
    } finally {
      await client.close()
    }
  })
})

// Debian's python3-kafka 2.0.2 (DescribeConfigs v2, AlterConfigs v1) with the system interpreter.
const KAFKA_PYTHON = `
import json, sys
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id='brook-test')
name = sys.argv[2]
def entries(responses):
    out = {}
    for r in responses:
        for (code, msg, rtype, rname, configs) in r.resources:
            out[rname] = {'error': code, 'configs': {c[0]: [c[1], c[2], c[3]] for c in configs}}
    return out
before = entries(admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name, {'segment.ms': None})]))
altered = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, name, {'segment.ms': '60000'})])
after = entries(admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name, {'segment.ms': None})]))
broker = entries(admin.describe_configs([ConfigResource(ConfigResourceType.BROKER, '1', {'num.partitions': None})]))
print(json.dumps({'before': before, 'altered': [list(r[:2]) for r in altered.resources], 'after': after, 'broker': broker}))
admin.close()
`

describe('kafka-python KafkaAdminClient configs', () => {
  it('describes and alters topic configs and describes the broker', async () => {
    const name = uniqueName('kpy-cfg')
    await broker.cluster.createTopic({ name, partitions: 1 })
    const { stdout } = await run('/usr/bin/python3', ['-c', KAFKA_PYTHON, broker.bootstrap, name], { timeout: 60_000 })
    expect(JSON.parse(stdout)).toEqual({
      before: { [name]: { error: 0, configs: { 'segment.ms': ['604800000', false, ConfigSource.DEFAULT_CONFIG] } } },
      altered: [[0, null]],
      after: { [name]: { error: 0, configs: { 'segment.ms': ['60000', false, ConfigSource.DYNAMIC_TOPIC_CONFIG] } } },
      broker: { '1': { error: 0, configs: { 'num.partitions': ['1', true, ConfigSource.DEFAULT_CONFIG] } } },
    })
    expect(broker.replicas.partition(name, 0)!.config.segmentMs).toBe(60000)
  })
})

// librdkafka 1.7 through Debian's python3-confluent-kafka (DescribeConfigs v1, AlterConfigs v0).
const CONFLUENT = `
import json, sys
from confluent_kafka.admin import AdminClient, ConfigResource
admin = AdminClient({'bootstrap.servers': sys.argv[1]})
name = sys.argv[2]
def describe(resource):
    (f,) = admin.describe_configs([resource]).values()
    try:
        return {k: [e.value, e.source, e.is_read_only] for k, e in f.result().items() if k in ('compression.type', 'retention.bytes', 'log.retention.hours')}
    except Exception as e:
        return e.args[0].name()
def alter(resource, validate_only=False):
    (f,) = admin.alter_configs([resource], validate_only=validate_only).values()
    try:
        f.result()
        return 'ok'
    except Exception as e:
        return [e.args[0].name(), e.args[0].str()]
print(json.dumps([
    alter(ConfigResource('topic', name, set_config={'compression.type': 'lz4'})),
    describe(ConfigResource('topic', name)),
    alter(ConfigResource('topic', name, set_config={'retention.bytes': 'lots'})),
    alter(ConfigResource('topic', name, set_config={'retention.bytes': '1000'}), validate_only=True),
    describe(ConfigResource('topic', name + '-missing')),
    describe(ConfigResource('broker', '1')),
]))
`

describe('librdkafka AdminClient configs (python3-confluent-kafka 1.7.0)', () => {
  it('alters and describes topic and broker configs with the error codes librdkafka names', async () => {
    const name = uniqueName('rdk-cfg')
    await broker.cluster.createTopic({ name, partitions: 1 })
    const { stdout } = await run('/usr/bin/python3', ['-c', CONFLUENT, broker.bootstrap, name], { timeout: 60_000 })
    expect(JSON.parse(stdout)).toEqual([
      'ok',
      { 'compression.type': ['lz4', ConfigSource.DYNAMIC_TOPIC_CONFIG, false], 'retention.bytes': ['-1', ConfigSource.DEFAULT_CONFIG, false] },
      ['INVALID_CONFIG', 'Invalid value lots for configuration retention.bytes: Not a number of type LONG'],
      'ok',
      'UNKNOWN_TOPIC_OR_PART',
      { 'compression.type': ['producer', ConfigSource.DEFAULT_CONFIG, false], 'log.retention.hours': ['168', ConfigSource.DEFAULT_CONFIG, true] },
    ])
    expect(broker.cluster.topics.get(name)!.configs).toEqual({ 'compression.type': 'lz4' })
  })
})
