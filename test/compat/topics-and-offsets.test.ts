// Topic administration and positioning across clients: topics kafka-python's admin creates are
// what kcat -L, @platformatic/kafka and kafkajs see (configs included); Metadata auto-creation per
// client; partitions added and records deleted through kafkajs' admin; kafka-python seeks
// (beginning, end, offset, time) over records other clients wrote.
import { Consumer as PlatformaticConsumer } from '@platformatic/kafka'
import { Kafka, logLevel } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { uniqueName } from '../helpers/index.js'
import { readPartition } from '../helpers/partition-records.js'
import { confluentConsumer, kafkaPythonConsumer, kcatConsumer, platformaticConsumer } from './helpers/consumers.js'
import { useBroker } from './helpers/matrix.js'
import { confluentProducer, kafkaPythonProducer, kafkajsProducer, kcatProducer } from './helpers/producers.js'
import { BASE_TIMESTAMP, CODEC_ID, comparable, expectedRecords, storedCodecs } from './helpers/records.js'
import type { Delivery, OutRecord } from './helpers/records.js'
import { run, runPython, startPython } from './helpers/run.js'

const broker = useBroker({ 'auto.create.topics.enable': 'true', 'num.partitions': '2' })

interface KcatMetadata {
  brokers: { id: number; name: string }[]
  topics: { topic: string; err?: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[]
}

async function kcatList(topic?: string): Promise<KcatMetadata> {
  return JSON.parse(await run('kcat', ['-b', broker().bootstrap, '-L', '-J', ...(topic ? ['-t', topic] : [])])) as KcatMetadata
}

function admin(steps: unknown[]): Promise<unknown[]> {
  return runPython<unknown[]>('kafka_python_admin', { bootstrap: broker().bootstrap, steps })
}

describe('topics created and deleted by kafka-python KafkaAdminClient', () => {
  const zstdTopic = uniqueName('compat-admin-zstd')
  const plain = uniqueName('compat-admin-plain')

  it("creates topics with configs; Kafka's codes for a duplicate, replication factor 2, validate-only", async () => {
    const other = uniqueName('compat-admin-rf2')
    const dry = uniqueName('compat-admin-dry')
    const results = await admin([
      { op: 'create', topics: [{ name: zstdTopic, partitions: 4, replication: 1, configs: { 'compression.type': 'zstd' } }, { name: plain, partitions: 1, replication: 1 }] },
      { op: 'create', topics: [{ name: plain, partitions: 1, replication: 1 }] },
      { op: 'create', topics: [{ name: other, partitions: 1, replication: 2 }] },
      { op: 'create', topics: [{ name: dry, partitions: 1, replication: 1 }], validateOnly: true },
      { op: 'list' },
      { op: 'describe', topics: [zstdTopic] },
    ])
    expect(results.slice(0, 4)).toEqual([
      [[zstdTopic, 0], [plain, 0]],
      { error: ErrorCode.TOPIC_ALREADY_EXISTS },
      { error: ErrorCode.INVALID_REPLICATION_FACTOR },
      [[dry, 0]],
    ])
    expect(results[4]).toEqual(expect.arrayContaining([zstdTopic, plain]))
    expect(results[4]).not.toContain(dry)
    expect(results[4]).not.toContain(other)
    expect(results[5]).toEqual([{ topic: zstdTopic, error_code: 0, partitions: [0, 1, 2, 3].map((p) => [p, 1, [1], [1]]) }])
  })

  it('kcat -L and @platformatic/kafka metadata describe them: one broker leading every partition', async () => {
    const md = await kcatList()
    expect(md.brokers).toEqual([{ id: 1, name: broker().bootstrap }])
    const zstd = md.topics.find((t) => t.topic === zstdTopic)
    expect(zstd?.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isrs])).toEqual([0, 1, 2, 3].map((p) => [p, 1, [{ id: 1 }], [{ id: 1 }]]))
    expect(md.topics.find((t) => t.topic === plain)?.partitions).toHaveLength(1)
    const consumer = new PlatformaticConsumer({ clientId: 'brook-compat', groupId: 'brook-compat-unused', bootstrapBrokers: [broker().bootstrap] })
    try {
      const pm = await consumer.metadata({ topics: [zstdTopic, plain] })
      expect([pm.topics.get(zstdTopic)?.partitionsCount, pm.topics.get(plain)?.partitionsCount]).toEqual([4, 1])
      expect(pm.topics.get(zstdTopic)?.partitions.map((p) => [p.leader, p.replicas, p.isr])).toEqual(Array(4).fill([1, [1], [1]]))
    } finally {
      await consumer.close()
    }
  })

  it("honours the topic's compression.type: kafkajs sends gzip, kafka-python and kcat read zstd batches", async () => {
    const records: OutRecord[] = [0, 1, 2, 3].flatMap((p) => [0, 1].map((i) => ({ partition: p, key: i ? `k${p}` : null, value: `v${p}-${i}`, headers: [['h', `${p}`]] as const, timestamp: BASE_TIMESTAMP + i })))
    await kafkajsProducer.produce(broker().bootstrap, [{ topic: zstdTopic, codec: 'gzip', records }])
    expect(await storedCodecs(broker(), zstdTopic, 4)).toEqual(new Set([CODEC_ID.zstd]))
    for (const consumer of [kafkaPythonConsumer, kcatConsumer]) {
      expect(comparable(await consumer.read(broker().bootstrap, [zstdTopic]))).toEqual(comparable(expectedRecords(zstdTopic, records)))
    }
  })

  it('deletes them: gone from kcat -L, kafkajs cannot produce there, a second delete is UNKNOWN_TOPIC_OR_PARTITION', async () => {
    expect(await admin([{ op: 'delete', topics: [zstdTopic] }, { op: 'list' }, { op: 'delete', topics: [zstdTopic] }])).toEqual([
      [[zstdTopic, 0]],
      expect.not.arrayContaining([zstdTopic]),
      { error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
    ])
    expect((await kcatList()).topics.map((t) => t.topic)).not.toContain(zstdTopic)
    // kafkajs asks Metadata with allowAutoTopicCreation=false: the broker must not re-create it.
    const kafka = new Kafka({ brokers: [broker().bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 20 } })
    const producer = kafka.producer({ allowAutoTopicCreation: false })
    await producer.connect()
    try {
      await expect(producer.send({ topic: zstdTopic, messages: [{ value: 'x' }] })).rejects.toThrow(/does not host this topic-partition/)
    } finally {
      await producer.disconnect()
    }
    expect(broker().cluster.topics.get(zstdTopic)).toBeUndefined()
  })
})

describe.concurrent('Metadata auto-creation (auto.create.topics.enable, num.partitions=2)', () => {
  it('kafka-python producing to a missing topic creates it with num.partitions; its reports match what kcat reads', async () => {
    const topic = uniqueName('compat-auto-kafka-python')
    const records = Array.from({ length: 6 }, (_, i) => ({ key: `key-${i}`, value: `auto-${i}`, headers: [] }))
    const reports = await runPython<Delivery[]>('kafka_python_produce', { bootstrap: broker().bootstrap, jobs: [{ topic, codec: 'gzip', records }] })
    expect(broker().cluster.topics.get(topic)?.partitions).toBe(2)
    expect((await kcatList(topic)).topics[0]?.partitions.map((p) => p.partition)).toEqual([0, 1])
    const got = await kcatConsumer.read(broker().bootstrap, [topic])
    const fromReports = reports.map((d, i) => ({ topic, partition: d.partition, offset: d.offset, key: records[i]!.key, value: records[i]!.value, headers: [] }))
    expect(comparable(got)).toEqual(comparable(fromReports))
  })

  it('librdkafka producers (confluent-kafka, kcat) create missing topics; kcat -L lists them', async () => {
    const viaConfluent = uniqueName('compat-auto-confluent')
    const viaKcat = uniqueName('compat-auto-kcat')
    const records: OutRecord[] = [{ partition: 1, key: 'a', value: 'one', headers: [['x', 'y']] }]
    await confluentProducer.produce(broker().bootstrap, [{ topic: viaConfluent, codec: 'zstd', records }])
    await kcatProducer.produce(broker().bootstrap, [{ topic: viaKcat, codec: 'gzip', records }])
    for (const topic of [viaConfluent, viaKcat]) {
      expect((await kcatList(topic)).topics.map((t) => [t.topic, t.partitions.length])).toEqual([[topic, 2]])
      expect(comparable(await kafkaPythonConsumer.read(broker().bootstrap, [topic]))).toEqual(comparable(expectedRecords(topic, records)))
    }
  })

  it('kafkajs with allowAutoTopicCreation=false creates nothing', async () => {
    const topic = uniqueName('compat-auto-off')
    const kafka = new Kafka({ brokers: [broker().bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 20 } })
    const producer = kafka.producer({ allowAutoTopicCreation: false })
    await producer.connect()
    try {
      await expect(producer.send({ topic, messages: [{ value: 'x' }] })).rejects.toThrow()
    } finally {
      await producer.disconnect()
    }
    expect(broker().cluster.topics.get(topic)).toBeUndefined()
  })
})

describe('partitions added and records deleted through kafkajs admin, seen by the other clients', () => {
  it('CreatePartitions grows the topic for kcat -L and kafka-python; DeleteRecords inside a batch moves every consumer to the new start', async () => {
    const topic = uniqueName('compat-grow')
    await broker().cluster.createTopic({ name: topic, partitions: 1 })
    const before: OutRecord[] = Array.from({ length: 5 }, (_, i) => ({ partition: 0, key: `k${i}`, value: `kafkajs-${i}`, headers: [] }))
    // kafkajs sends one send() as one batch per partition; librdkafka may split even a lingered run.
    await kafkajsProducer.produce(broker().bootstrap, [{ topic, codec: 'snappy', records: before }])
    const added: OutRecord[] = [{ partition: 2, key: 'new', value: 'kafka-python', headers: [['on', 'p2']] }]
    const kafka = new Kafka({ brokers: [broker().bootstrap], logLevel: logLevel.NOTHING })
    const kafkaAdmin = kafka.admin()
    await kafkaAdmin.connect()
    try {
      await kafkaAdmin.createPartitions({ topicPartitions: [{ topic, count: 3 }] })
      expect((await kcatList(topic)).topics[0]?.partitions.map((p) => p.partition)).toEqual([0, 1, 2])
      expect(await kafkaPythonProducer.produce(broker().bootstrap, [{ topic, codec: 'gzip', records: added }])).toEqual([{ topic, partition: 2, offset: 0 }])
      // All five records are one snappy batch; deleting up to offset 3 cuts through it.
      expect((await readPartition(broker(), topic, 0)).map((b) => [b.baseOffset, b.lastOffset])).toEqual([[0, 4]])
      await kafkaAdmin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] })
      expect((await kafkaAdmin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => [partition, low, high])).toEqual([
        [0, '3', '5'],
        [1, '0', '0'],
        [2, '0', '1'],
      ])
      // Produce v5+ answers with the log start offset.
      const producer = kafka.producer({ allowAutoTopicCreation: false })
      await producer.connect()
      const sent = await producer.send({ topic, acks: -1, messages: [{ partition: 0, key: 'kafkajs', value: 'after-delete' }] }).finally(() => producer.disconnect())
      expect(sent.map(({ partition, baseOffset, logStartOffset }) => [partition, baseOffset, logStartOffset])).toEqual([[0, '5', '3']])
    } finally {
      await kafkaAdmin.disconnect()
    }
    const expected = [
      ...expectedRecords(topic, [...before, { partition: 0, key: 'kafkajs', value: 'after-delete', headers: [] }]).filter((r) => r.offset >= 3),
      ...expectedRecords(topic, added),
    ]
    for (const consumer of [kcatConsumer, confluentConsumer, kafkaPythonConsumer]) {
      expect({ consumer: consumer.name, records: comparable(await consumer.read(broker().bootstrap, [topic])) }).toEqual({ consumer: consumer.name, records: comparable(expected) })
    }
    // platformatic's low-level fetch from offset 0, now below the log start offset.
    const err = (await platformaticConsumer.read(broker().bootstrap, [topic]).catch((e: unknown) => e)) as { findBy?: (key: string, value: string) => unknown }
    expect(err.findBy?.('apiId', 'OFFSET_OUT_OF_RANGE')).toBeTruthy()
  })
})

interface SeekResult {
  beginning: number
  end: number
  tailed: [number, string | null, string][]
  fromBeginning: [number, string | null, string][]
  fromSeek: [number, string | null, string][]
  forTime: [number, number] | null
  endAfter: number
}

describe('kafka-python KafkaConsumer positions over records from librdkafka', () => {
  it('seek_to_end tails new records, seek_to_beginning rereads, seek(n) and offsets_for_times land where Kafka would', async () => {
    const topic = uniqueName('compat-seek')
    await broker().cluster.createTopic({ name: topic, partitions: 2 })
    const first: OutRecord[] = Array.from({ length: 6 }, (_, i) => ({ partition: 1, key: `c${i}`, value: `confluent-${i}`, headers: [], timestamp: BASE_TIMESTAMP + i * 1000 }))
    await confluentProducer.produce(broker().bootstrap, [{ topic, codec: 'snappy', records: first }])
    const script = startPython('kafka_python_seek', { bootstrap: broker().bootstrap, topic, partition: 1, tail: 3, seekTo: 4, timestamp: BASE_TIMESTAMP + 2500 })
    expect(await script.line('ready')).toBe('ready 6')
    const tail: OutRecord[] = Array.from({ length: 3 }, (_, i) => ({ partition: 1, key: i === 1 ? null : `t${i}`, value: `kcat-${i}`, headers: [] }))
    await kcatProducer.produce(broker().bootstrap, [{ topic, codec: 'zstd', records: tail }])
    const all = [...first, ...tail].map((r, offset) => [offset, r.key, r.value])
    expect(await script.result<SeekResult>()).toEqual({
      beginning: 0,
      end: 6,
      tailed: all.slice(6),
      fromBeginning: all,
      fromSeek: all.slice(4, 6),
      forTime: [3, BASE_TIMESTAMP + 3000],
      endAfter: 9,
    })
  })
})
