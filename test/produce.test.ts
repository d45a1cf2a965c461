// Produce end to end with kafkajs: what the producer sent is read back through the storage
// (not Fetch) and compared byte for byte: offsets, keys, values, headers, partitions.
import { CompressionTypes, Kafka, logLevel } from 'kafkajs'
import type { Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../src/broker.js'
import { ApiVersions } from '../src/protocol/generated/api-versions.js'
import { eventually, uniqueName } from './helpers/index.js'
import { startTestBroker } from './helpers/broker.js'
import { readPartition, readPartitionText } from './helpers/partition-records.js'
import { RawClient } from './helpers/raw-client.js'

let broker: Broker
let kafka: Kafka
let producer: Producer
beforeAll(async () => {
  broker = await startTestBroker()
  kafka = new Kafka({ clientId: 'brook-produce-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  producer = kafka.producer({ allowAutoTopicCreation: false })
  await producer.connect()
})
afterAll(async () => {
  await producer.disconnect()
  await broker.close()
})

describe('ApiVersions', () => {
  it('offers Produce v0-11 (as Kafka 4.0, for librdkafka) and ListOffsets v1-8', async () => {
    const client = await RawClient.connect(broker.bootstrap)
    client.send(ApiVersions, 3, { clientSoftwareName: 'brook-test', clientSoftwareVersion: '1' })
    const { body } = await client.receive(ApiVersions, 3)
    client.close()
    expect(body.apiKeys.find((k) => k.apiKey === 0)).toEqual({ apiKey: 0, minVersion: 0, maxVersion: 11 })
    expect(body.apiKeys.find((k) => k.apiKey === 2)).toEqual({ apiKey: 2, minVersion: 1, maxVersion: 8 })
  })
})

describe('kafkajs producer', () => {
  it('appends keys, values and headers to the partitions asked for, acks=-1', async () => {
    const topic = uniqueName('produce-keys')
    await broker.cluster.createTopic({ name: topic, partitions: 3 })
    const result = await producer.send({
      topic,
      acks: -1,
      messages: [
        { partition: 0, key: 'k0', value: 'v0', headers: { trace: 'a', empty: '' } },
        { partition: 2, key: 'k1', value: 'v1', timestamp: '1700000000000' },
        { partition: 0, key: null, value: 'v2' },
        { partition: 2, key: 'k3', value: null },
      ],
    })
    expect(result.sort((a, b) => a.partition - b.partition)).toEqual([
      { topicName: topic, partition: 0, errorCode: 0, baseOffset: '0', logAppendTime: '-1', logStartOffset: '0' },
      { topicName: topic, partition: 2, errorCode: 0, baseOffset: '0', logAppendTime: '-1', logStartOffset: '0' },
    ])

    const p0 = await readPartitionText(broker, topic, 0)
    expect(p0.map(({ timestamp: _t, ...r }) => r)).toEqual([
      { offset: 0, key: 'k0', value: 'v0', headers: { trace: 'a', empty: '' } },
      { offset: 1, key: null, value: 'v2', headers: {} },
    ])
    const p2 = await readPartitionText(broker, topic, 2)
    expect(p2).toEqual([
      { offset: 0, key: 'k1', value: 'v1', headers: {}, timestamp: 1700000000000 },
      { offset: 1, key: 'k3', value: null, headers: {}, timestamp: expect.any(Number) },
    ])
    expect(await readPartition(broker, topic, 1)).toEqual([])
    // Stored with the leader epoch stamped and the CRC still valid (the epoch is outside it).
    for (const b of await readPartition(broker, topic, 0)) expect([b.partitionLeaderEpoch, b.crcValid]).toEqual([0, true])
  })

  it('continues offsets across sends and reports each base offset, acks=1', async () => {
    const topic = uniqueName('produce-acks1')
    await broker.cluster.createTopic({ name: topic, partitions: 1 })
    const bases: string[] = []
    for (let i = 0; i < 3; i++) {
      const [meta] = await producer.send({ topic, acks: 1, messages: [{ value: `a${i}` }, { value: `b${i}` }] })
      bases.push(meta!.baseOffset!)
    }
    expect(bases).toEqual(['0', '2', '4'])
    expect((await readPartitionText(broker, topic, 0)).map((r) => [r.offset, r.value])).toEqual([
      [0, 'a0'], [1, 'b0'], [2, 'a1'], [3, 'b1'], [4, 'a2'], [5, 'b2'],
    ])
  })

  it('gets no response with acks=0 and the records still land, in order', async () => {
    const topic = uniqueName('produce-acks0')
    await broker.cluster.createTopic({ name: topic, partitions: 1 })
    for (let i = 0; i < 5; i++) expect(await producer.send({ topic, acks: 0, messages: [{ value: `m${i}` }] })).toEqual([])
    await eventually(async () => expect((await readPartitionText(broker, topic, 0)).map((r) => r.value)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']))
  })

  it('stores a gzip batch as the producer compressed it', async () => {
    const topic = uniqueName('produce-gzip')
    await broker.cluster.createTopic({ name: topic, partitions: 1 })
    const messages = Array.from({ length: 50 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}`.repeat(20), headers: { n: String(i) } }))
    await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages })
    const batches = await readPartition(broker, topic, 0)
    expect(batches.map((b) => [b.baseOffset, b.lastOffset, b.compression, b.crcValid])).toEqual([[0, 49, 1, true]])
    expect((await readPartitionText(broker, topic, 0)).map((r) => [r.offset, r.key, r.value, r.headers])).toEqual(
      messages.map((m, i) => [i, m.key, m.value, m.headers]),
    )
  })

  it('reports the append time on a LogAppendTime topic and stores it', async () => {
    const topic = uniqueName('produce-lat')
    await broker.cluster.createTopic({ name: topic, partitions: 1, configs: { 'message.timestamp.type': 'LogAppendTime' } })
    const before = Date.now()
    const [meta] = await producer.send({ topic, acks: -1, messages: [{ value: 'a', timestamp: '5' }, { value: 'b', timestamp: '6' }] })
    const time = Number(meta!.logAppendTime)
    expect(time).toBeGreaterThanOrEqual(before)
    expect(time).toBeLessThanOrEqual(Date.now())
    const [stored] = await readPartition(broker, topic, 0)
    expect([stored!.timestampType, stored!.maxTimestamp, stored!.crcValid]).toEqual([1, time, true])
    expect(stored!.records.map((r) => r.timestamp)).toEqual([time, time])
  })

  it('answers record errors from the topic config: a null key on a compacted topic', async () => {
    const topic = uniqueName('produce-compact')
    await broker.cluster.createTopic({ name: topic, partitions: 1, configs: { 'cleanup.policy': 'compact' } })
    const p = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } })
    await p.connect()
    try {
      await expect(p.send({ topic, messages: [{ key: 'k', value: 'kept?' }, { key: null, value: 'no key' }] })).rejects.toMatchObject({ type: 'INVALID_RECORD' })
    } finally {
      await p.disconnect()
    }
    expect(await readPartition(broker, topic, 0)).toEqual([])
  })

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist', async () => {
    const topic = uniqueName('produce-missing')
    const p = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } })
    await p.connect()
    try {
      await expect(p.send({ topic, messages: [{ value: 'x' }] })).rejects.toThrow(/does not host this topic-partition|not exist/i)
    } finally {
      await p.disconnect()
    }
  })
})
