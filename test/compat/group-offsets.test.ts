// One consumer group handed from client to client: offsets kafka-python commits (without joining)
// are where a confluent-kafka member of the group starts; what that member commits is what kafkajs'
// admin fetches and where a kafkajs member resumes; kafkajs' commits are what the others read back.
// Records come from kcat (zstd) and kafka-python (lz4). Each client's own group tests live in
// test/groups-*.test.ts; this file checks that they agree with one another.
import { Kafka, logLevel } from 'kafkajs'
import { expect, it } from 'vitest'
import { uniqueName } from '../helpers/index.js'
import { readWithKafkajsGroup } from './helpers/group-consumers.js'
import { useBroker } from './helpers/matrix.js'
import { kafkaPythonProducer, kcatProducer } from './helpers/producers.js'
import type { OutRecord } from './helpers/records.js'
import { runPython } from './helpers/run.js'

const broker = useBroker()
const PARTITIONS = 3

/** `count` records per partition, keyed `<client>-<partition>-<n>`. */
function recordsFrom(client: string, count: number, first = 0): OutRecord[] {
  return Array.from({ length: PARTITIONS * count }, (_, i) => {
    const partition = i % PARTITIONS
    const n = first + Math.floor(i / PARTITIONS)
    return { partition, key: `${client}-${partition}-${n}`, value: `${client} record ${n}`, headers: [] }
  })
}

it('kafka-python commits, confluent-kafka resumes and commits, kafkajs sees those commits and resumes from them', async () => {
  const topic = uniqueName('compat-group-handoff')
  const group = uniqueName('compat-group')
  await broker().cluster.createTopic({ name: topic, partitions: PARTITIONS })
  await kcatProducer.produce(broker().bootstrap, [{ topic, codec: 'zstd', records: recordsFrom('kcat', 4) }])

  // kafka-python commits a different position per partition, with metadata, outside any generation.
  const committed = await runPython<{ committed: [number, number][] }>('kafka_python_commit', {
    bootstrap: broker().bootstrap,
    group,
    topic,
    offsets: { 0: 1, 1: 2, 2: 4 },
    metadata: 'from kafka-python',
  })
  expect(committed.committed).toEqual([[0, 1], [1, 2], [2, 4]])

  const kafka = new Kafka({ clientId: 'brook-compat', brokers: [broker().bootstrap], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  const fetched = async () =>
    (await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]!.partitions.map((p) => [p.partition, p.offset, p.metadata]).sort((a, b) => Number(a[0]) - Number(b[0]))
  try {
    expect(await fetched()).toEqual([[0, '1', 'from kafka-python'], [1, '2', 'from kafka-python'], [2, '4', 'from kafka-python']])

    // A confluent-kafka member starts where kafka-python committed and commits the ends.
    const confluent = await runPython<{ records: [number, number, string, string][]; committed: [number, number][] }>('confluent_group_resume', {
      bootstrap: broker().bootstrap,
      group,
      topic,
      partitions: PARTITIONS,
    })
    expect(confluent.records.sort((a, b) => a[0] - b[0] || a[1] - b[1])).toEqual([
      [0, 1, 'kcat-0-1', 'kcat record 1'],
      [0, 2, 'kcat-0-2', 'kcat record 2'],
      [0, 3, 'kcat-0-3', 'kcat record 3'],
      [1, 2, 'kcat-1-2', 'kcat record 2'],
      [1, 3, 'kcat-1-3', 'kcat record 3'],
    ])
    expect(confluent.committed).toEqual([[0, 4], [1, 4], [2, 4]])
    expect((await fetched()).map(([p, o]) => [p, o])).toEqual([[0, '4'], [1, '4'], [2, '4']])

    // Two more per partition from kafka-python; a kafkajs member of the group reads only those.
    await kafkaPythonProducer.produce(broker().bootstrap, [{ topic, codec: 'lz4', records: recordsFrom('kafka-python', 2, 4) }])
    const got = await readWithKafkajsGroup(broker().bootstrap, [topic], group)
    expect(got.map((r) => [r.partition, r.offset, r.key]).sort((a, b) => Number(a[0]) - Number(b[0]) || Number(a[1]) - Number(b[1]))).toEqual(
      [0, 1, 2].flatMap((p) => [4, 5].map((n) => [p, n, `kafka-python-${p}-${n}`])),
    )
    expect((await fetched()).map(([p, o]) => [p, o])).toEqual([[0, '6'], [1, '6'], [2, '6']])
  } finally {
    await admin.disconnect()
  }

  // kafka-python reads kafkajs' commits back.
  const readBack = await runPython<{ committed: [number, number][] }>('kafka_python_commit', { bootstrap: broker().bootstrap, group, topic, partitions: [0, 1, 2] })
  expect(readBack.committed).toEqual([[0, 6], [1, 6], [2, 6]])
})
