// Topic administration through real clients: kafkajs, @platformatic/kafka (flexible versions
// only) and kafka-python's KafkaAdminClient, each checked against what the broker then holds.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { Admin as PlatformaticAdmin } from '@platformatic/kafka'
import { Kafka, logLevel } from 'kafkajs'
import type { Admin, Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker } from '../src/index.js'
import type { BrokerHandle } from '../src/index.js'
import { uniqueName } from './helpers/index.js'

const run = promisify(execFile)

let broker: BrokerHandle
let kafka: Kafka
let admin: Admin
let producer: Producer
beforeAll(async () => {
  broker = await startBroker({ config: { 'num.partitions': 2 } })
  kafka = new Kafka({ clientId: 'brook-admin-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50 } })
  admin = kafka.admin()
  producer = kafka.producer()
  await Promise.all([admin.connect(), producer.connect()])
})
afterAll(async () => {
  await Promise.all([admin.disconnect(), producer.disconnect()])
  await broker.close()
})

describe('kafkajs admin', () => {
  it('creates topics with configs, validate-only, and refuses an existing or misconfigured one', async () => {
    const name = uniqueName('kjs-create')
    const dry = uniqueName('kjs-dry')
    // Waiting for leaders of a topic only validated would ask Metadata for it (and auto-create it), here as on Kafka.
    expect(await admin.createTopics({ topics: [{ topic: dry, numPartitions: 2 }], validateOnly: true, waitForLeaders: false })).toBe(true)
    expect(
      await admin.createTopics({
        topics: [{ topic: name, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '60000' }, { name: 'compression.type', value: 'zstd' }] }],
      }),
    ).toBe(true)
    expect(await admin.createTopics({ topics: [{ topic: name, numPartitions: 3 }] })).toBe(false)
    await expect(
      admin.createTopics({ topics: [{ topic: uniqueName('kjs-bad'), configEntries: [{ name: 'cleanup.policy', value: 'sometimes' }] }] }),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })] })
    await expect(admin.createTopics({ topics: [{ topic: uniqueName('kjs-rf'), replicationFactor: 3 }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })],
    })

    const topics = await admin.listTopics()
    expect(topics).toContain(name)
    expect(topics).not.toContain(dry)
    expect(broker.cluster.topics.get(name)).toMatchObject({ partitions: 3, configs: { 'retention.ms': '60000', 'compression.type': 'zstd' } })
    const { topics: md } = await admin.fetchTopicMetadata({ topics: [name] })
    expect(md).toEqual([
      {
        name,
        partitions: [0, 1, 2].map((partitionId) => ({
          partitionErrorCode: 0,
          partitionId,
          leader: 1,
          replicas: [1],
          isr: [1],
          offlineReplicas: [],
        })),
      },
    ])
  })

  it('adds partitions, deletes records below an offset, and deletes topics', async () => {
    const name = uniqueName('kjs-life')
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 1 }] })
    await admin.createPartitions({ topicPartitions: [{ topic: name, count: 3 }] })
    expect(broker.cluster.topics.get(name)?.partitions).toBe(3)
    await expect(admin.createPartitions({ topicPartitions: [{ topic: name, count: 2 }] })).rejects.toMatchObject({
      type: 'INVALID_PARTITIONS',
    })

    await producer.send({ topic: name, messages: Array.from({ length: 8 }, (_, i) => ({ partition: 0, value: `m${i}` })) })
    await admin.deleteTopicRecords({ topic: name, partitions: [{ partition: 0, offset: '5' }] })
    expect(await admin.fetchTopicOffsets(name)).toContainEqual({ partition: 0, offset: '8', high: '8', low: '5' })
    await admin.deleteTopicRecords({ topic: name, partitions: [{ partition: 0, offset: '-1' }] })
    expect(await admin.fetchTopicOffsets(name)).toContainEqual({ partition: 0, offset: '8', high: '8', low: '8' })

    await admin.deleteTopics({ topics: [name] })
    expect(await admin.listTopics()).not.toContain(name)
    expect(broker.cluster.topics.get(name)).toBeUndefined()
  })

  it('produces to a topic that does not exist yet: auto-created with num.partitions', async () => {
    const name = uniqueName('kjs-auto')
    const [result] = await producer.send({ topic: name, messages: [{ partition: 1, value: 'first' }] })
    expect(result).toMatchObject({ topicName: name, partition: 1, errorCode: 0, baseOffset: '0' })
    expect(broker.cluster.topics.get(name)?.partitions).toBe(2)
  })
})

// @platformatic/kafka speaks flexible versions only: CreateTopics v7, DeleteTopics v6, CreatePartitions v3.
describe('@platformatic/kafka admin', () => {
  it('creates (with the created topic described), lists, grows and deletes topics', async () => {
    const client = new PlatformaticAdmin({ clientId: 'brook-admin-test', bootstrapBrokers: [broker.bootstrap] })
    try {
      const name = uniqueName('plat-admin')
      const [created] = await client.createTopics({ topics: [name], partitions: 2, replicas: 1, configs: [{ name: 'segment.ms', value: '3600000' }] })
      const info = broker.cluster.topics.get(name)!
      const idHex = Buffer.from(info.topicId, 'base64url').toString('hex')
      expect(created).toMatchObject({ name, partitions: 2, replicas: 1 })
      expect(created!.id.replaceAll('-', '')).toBe(idHex)
      expect(created!.configuration).toMatchObject({ 'segment.ms': '3600000', 'retention.ms': '604800000', 'cleanup.policy': 'delete' })
      expect(await client.listTopics()).toContain(name)

      await client.createPartitions({ topics: [{ name, count: 4 }] })
      expect(broker.cluster.topics.get(name)?.partitions).toBe(4)

      await client.deleteTopics({ topics: [name] })
      expect(await client.listTopics()).not.toContain(name)
      expect(broker.cluster.topics.get(name)).toBeUndefined()
    } finally {
      await client.close()
    }
  })
})

// Debian's python3-kafka (2.0.2: CreateTopics v3, DeleteTopics v3, CreatePartitions v1) works with the system interpreter only.
const PYTHON = `
import json, sys
from kafka import KafkaAdminClient
from kafka.admin import NewTopic, NewPartitions
from kafka.errors import KafkaError
name = sys.argv[2]
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id='brook-test')
out = {}
def attempt(key, fn):
    try:
        fn()
        out[key] = 'ok'
    except KafkaError as e:
        out[key] = type(e).__name__
attempt('create', lambda: admin.create_topics([NewTopic(name, 2, 1, topic_configs={'retention.ms': '1000'})]))
attempt('again', lambda: admin.create_topics([NewTopic(name, 2, 1)]))
attempt('rf3', lambda: admin.create_topics([NewTopic(name + '-rf3', 1, 3)]))
attempt('grow', lambda: admin.create_partitions({name: NewPartitions(5)}))
out['listed'] = name in admin.list_topics()
gone = name + '-gone'
attempt('create_gone', lambda: admin.create_topics([NewTopic(gone, 1, 1)]))
attempt('delete', lambda: admin.delete_topics([gone]))
attempt('delete_again', lambda: admin.delete_topics([gone]))
out['after'] = gone in admin.list_topics()
print(json.dumps(out))
admin.close()
`

describe('kafka-python KafkaAdminClient', () => {
  it('creates, grows and deletes topics, with its exceptions for Kafka error codes', async () => {
    const name = uniqueName('kpy-admin')
    const { stdout } = await run('/usr/bin/python3', ['-c', PYTHON, broker.bootstrap, name], { timeout: 60_000 })
    expect(JSON.parse(stdout)).toEqual({
      create: 'ok',
      again: 'TopicAlreadyExistsError',
      rf3: 'InvalidReplicationFactorError',
      grow: 'ok',
      listed: true,
      create_gone: 'ok',
      delete: 'ok',
      delete_again: 'UnknownTopicOrPartitionError',
      after: false,
    })
    expect(broker.cluster.topics.get(name)).toMatchObject({ partitions: 5, configs: { 'retention.ms': '1000' } })
    expect(broker.cluster.topics.get(`${name}-rf3`)).toBeUndefined()
    expect(broker.cluster.topics.get(`${name}-gone`)).toBeUndefined()
  })
})

// librdkafka through Debian's python3-confluent-kafka (CreateTopics v4, DeleteTopics v4, CreatePartitions v1).
const CONFLUENT = `
import json, sys
from confluent_kafka.admin import AdminClient, NewTopic, NewPartitions
admin = AdminClient({'bootstrap.servers': sys.argv[1]})
name = sys.argv[2]
def outcome(futures):
    out = {}
    for key, f in futures.items():
        try:
            f.result()
            out[key] = 'ok'
        except Exception as e:
            out[key] = e.args[0].name()
    return out
print(json.dumps([
    outcome(admin.create_topics([NewTopic(name, 2, 1, config={'segment.ms': '60000'}), NewTopic(name + '-rf3', 1, 3)])),
    outcome(admin.create_topics([NewTopic(name + '-dry', 1, 1)], validate_only=True)),
    outcome(admin.create_partitions([NewPartitions(name, 3)])),
    outcome(admin.delete_topics([name + '-dry'])),
]))
`

describe('librdkafka AdminClient (python3-confluent-kafka)', () => {
  it('creates, validates, grows and deletes topics with the error codes librdkafka names', async () => {
    const name = uniqueName('rdk-admin')
    const { stdout } = await run('/usr/bin/python3', ['-c', CONFLUENT, broker.bootstrap, name], { timeout: 60_000 })
    expect(JSON.parse(stdout)).toEqual([
      { [name]: 'ok', [`${name}-rf3`]: 'INVALID_REPLICATION_FACTOR' },
      { [`${name}-dry`]: 'ok' },
      { [name]: 'ok' },
      { [`${name}-dry`]: 'UNKNOWN_TOPIC_OR_PART' },
    ])
    expect(broker.cluster.topics.get(name)).toMatchObject({ partitions: 3, configs: { 'segment.ms': '60000' } })
  })
})
