// What every client wrote survives a broker restart on the same log dirs, for every client:
// each partition of one topic written by a different producer in its own codec, a LogAppendTime
// topic, and a group's committed offsets. After the restart every consumer reads the same records
// with the same timestamps, the group resumes where it was, and new records take the next offsets.
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { startTestBroker } from '../helpers/broker.js'
import { tempDir, uniqueName } from '../helpers/index.js'
import { ALL_CONSUMERS } from './helpers/consumers.js'
import { readWithKafkajsGroup } from './helpers/group-consumers.js'
import { confluentProducer, kafkaPythonProducer, kafkajsProducer, kcatProducer, platformaticProducer } from './helpers/producers.js'
import type { ProducerClient } from './helpers/producers.js'
import { comparable, expectedRecords, workload } from './helpers/records.js'
import type { Codec, OutRecord, SeenRecord } from './helpers/records.js'
import { runPython } from './helpers/run.js'

/**
 * Partition i of the shared topic is written by WRITERS[i], in its codec: codecs every consumer
 * decodes (no zstd for kafkajs and platformatic, no xerial snappy for platformatic).
 */
const WRITERS: readonly [ProducerClient, Codec][] = [
  [kcatProducer, 'snappy'],
  [kafkaPythonProducer, 'lz4'],
  [confluentProducer, 'gzip'],
  [kafkajsProducer, 'lz4'],
  [platformaticProducer, 'none'],
]

const dir = tempDir()
const config = { 'log.dirs': dir, 'group.initial.rebalance.delay.ms': '0' }
let broker: Broker | undefined
afterAll(() => broker?.close())

/** Records of the shared workload moved to `partition`, as `producer` sends them. */
function recordsFor(producer: ProducerClient, codec: Codec, partition: number): OutRecord[] {
  return workload(producer.name, codec, { timestamps: producer.setsTimestamps })
    .filter((r) => r.partition === 0)
    .map((r) => ({ ...r, partition }))
}

const byTopicPartitionOffset = (records: readonly SeenRecord[]) =>
  [...records].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.offset - b.offset)

it('records, timestamps and group offsets from every client survive a restart; offsets continue after it', async () => {
  broker = await startTestBroker({ config })
  const topic = uniqueName('compat-restart')
  const appendTime = uniqueName('compat-restart-lat')
  const group = uniqueName('compat-restart-group')
  await broker.cluster.createTopic({ name: topic, partitions: WRITERS.length })
  await broker.cluster.createTopic({ name: appendTime, partitions: 1, configs: { 'message.timestamp.type': 'LogAppendTime', 'compression.type': 'lz4' } })
  const sent = WRITERS.map(([producer, codec], p) => recordsFor(producer, codec, p))
  await Promise.all(WRITERS.map(([producer, codec], p) => producer.produce(broker!.bootstrap, [{ topic, codec, records: sent[p]! }])))
  const stamped = recordsFor(kafkajsProducer, 'snappy', 0)
  await kafkajsProducer.produce(broker.bootstrap, [{ topic: appendTime, codec: 'snappy', records: stamped }])
  const expected = comparable([...sent.flatMap((records) => expectedRecords(topic, records)), ...expectedRecords(appendTime, stamped)])

  // A kafkajs group member reads everything and commits; kafka-python then moves partition 0 back.
  expect(await readWithKafkajsGroup(broker.bootstrap, [topic], group)).toHaveLength(sent.flat().length)
  await runPython('kafka_python_commit', { bootstrap: broker.bootstrap, group, topic, offsets: { 0: 5 }, metadata: 'rewind' })

  const before = new Map<string, SeenRecord[]>()
  for (const consumer of ALL_CONSUMERS) before.set(consumer.name, byTopicPartitionOffset(await consumer.read(broker.bootstrap, [topic, appendTime])))

  await broker.close()
  broker = await startTestBroker({ config })

  for (const consumer of ALL_CONSUMERS) {
    const after = byTopicPartitionOffset(await consumer.read(broker.bootstrap, [topic, appendTime]))
    expect({ consumer: consumer.name, records: comparable(after) }).toEqual({ consumer: consumer.name, records: expected })
    // Timestamps too: CreateTime as sent, LogAppendTime as stamped before the restart.
    const times = (records: SeenRecord[]) => records.map((r) => `${r.topic}/${r.partition}/${r.offset} ${r.timestampType} ${r.timestamp}`)
    expect(times(after)).toEqual(times(before.get(consumer.name)!))
  }

  const kafka = new Kafka({ clientId: 'brook-compat', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] })
    const ends = sent.map((records) => String(records.length))
    expect(offsets!.partitions.map((p) => [p.partition, p.offset, p.metadata]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(
      ends.map((end, p) => (p === 0 ? [0, '5', 'rewind'] : [p, end, null])),
    )
  } finally {
    await admin.disconnect()
  }
  // The group resumes: only partition 0's last records are left to read.
  const resumed = await readWithKafkajsGroup(broker.bootstrap, [topic], group)
  expect(resumed.map((r) => [r.partition, r.offset])).toEqual(sent[0]!.slice(5).map((_, i) => [0, 5 + i]))

  const more: OutRecord[] = [{ partition: 2, key: 'after', value: 'restart', headers: [] }]
  expect(await confluentProducer.produce(broker.bootstrap, [{ topic, codec: 'gzip', records: more }])).toEqual([{ topic, partition: 2, offset: sent[2]!.length, logAppendTime: -1 }])
})
