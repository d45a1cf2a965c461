// Topic-level compression.type and message.timestamp.type across clients: the broker recompresses
// what producers send into the topic's codec, and stamps LogAppendTime topics with its own clock,
// and every consumer decodes the result. Kafka does both; consumers must see the broker's batches.
import { beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../helpers/index.js'
import { readPartition } from '../helpers/partition-records.js'
import type { StoredBatch } from '../helpers/partition-records.js'
import { ALL_CONSUMERS } from './helpers/consumers.js'
import type { ConsumerClient } from './helpers/consumers.js'
import { useBroker } from './helpers/matrix.js'
import { confluentProducer, kafkaPythonProducer, kafkajsProducer, kcatProducer, platformaticProducer } from './helpers/producers.js'
import type { ProducerClient } from './helpers/producers.js'
import { PARTITIONS, codecsAsSent, comparable, expectedRecords, workload } from './helpers/records.js'
import type { Codec, Delivery, OutRecord, SeenRecord } from './helpers/records.js'

interface Scenario {
  readonly name: string
  readonly producer: ProducerClient
  readonly codec: Codec
  /** The topic's compression.type ('producer' keeps what the client sent). */
  readonly topicCompression: Codec | 'producer' | 'uncompressed'
  readonly logAppendTime?: boolean
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'zstd topic ← kafkajs gzip', producer: kafkajsProducer, codec: 'gzip', topicCompression: 'zstd' },
  { name: 'zstd topic ← kcat snappy', producer: kcatProducer, codec: 'snappy', topicCompression: 'zstd' },
  { name: 'gzip topic ← kafka-python lz4', producer: kafkaPythonProducer, codec: 'lz4', topicCompression: 'gzip' },
  { name: 'gzip topic ← platformatic snappy', producer: platformaticProducer, codec: 'snappy', topicCompression: 'gzip' },
  { name: 'lz4 topic ← confluent-kafka zstd', producer: confluentProducer, codec: 'zstd', topicCompression: 'lz4' },
  { name: 'snappy topic ← kafkajs uncompressed', producer: kafkajsProducer, codec: 'none', topicCompression: 'snappy' },
  { name: 'uncompressed topic ← kafka-python zstd', producer: kafkaPythonProducer, codec: 'zstd', topicCompression: 'uncompressed' },
  { name: 'LogAppendTime topic ← kafkajs uncompressed', producer: kafkajsProducer, codec: 'none', topicCompression: 'producer', logAppendTime: true },
  { name: 'LogAppendTime topic ← confluent-kafka gzip', producer: confluentProducer, codec: 'gzip', topicCompression: 'producer', logAppendTime: true },
  { name: 'LogAppendTime topic ← kafka-python zstd', producer: kafkaPythonProducer, codec: 'zstd', topicCompression: 'producer', logAppendTime: true },
  { name: 'LogAppendTime topic ← platformatic lz4', producer: platformaticProducer, codec: 'lz4', topicCompression: 'producer', logAppendTime: true },
  { name: 'LogAppendTime topic ← kcat snappy', producer: kcatProducer, codec: 'snappy', topicCompression: 'producer', logAppendTime: true },
  { name: 'LogAppendTime zstd topic ← kafkajs snappy', producer: kafkajsProducer, codec: 'snappy', topicCompression: 'zstd', logAppendTime: true },
]

/** The codec the log holds: the topic's, or what the client actually sent. */
function storedCodec(s: Scenario): Codec {
  if (s.topicCompression === 'producer') return s.producer.sends(s.codec)
  return s.topicCompression === 'uncompressed' ? 'none' : s.topicCompression
}

/** Who wrote the stored batches' compression: the broker when it recompressed, else the client. */
function writerOf(s: Scenario): string {
  return s.topicCompression === 'producer' || storedCodec(s) === s.producer.sends(s.codec) ? s.producer.name : 'brook'
}

/** Clients whose delivery reports expose the Produce response's LogAppendTime. */
const REPORTS_LOG_APPEND_TIME = new Set(['kafkajs', 'confluent-kafka', 'kafka-python'])

interface Produced {
  readonly topic: string
  readonly records: readonly OutRecord[]
  deliveries: Delivery[] | undefined
  start: number
  end: number
}

const broker = useBroker()
const produced = new Map<Scenario, Produced>(
  SCENARIOS.map((s) => [s, { topic: uniqueName('compat-topic-config'), records: workload(s.producer.name, s.codec, { timestamps: s.producer.setsTimestamps }), deliveries: undefined, start: 0, end: 0 }]),
)

/** One read per consumer over every topic it can decode, started once all records are in. */
const reads = new Map(
  ALL_CONSUMERS.map((c) => {
    const topics = SCENARIOS.filter((s) => c.canDecode(storedCodec(s), writerOf(s))).map((s) => produced.get(s)!.topic)
    let read: Promise<SeenRecord[]> | undefined
    return [c, () => (read ??= c.read(broker().bootstrap, topics))] as const
  }),
)

beforeAll(async () => {
  await Promise.all(
    SCENARIOS.map(async (s) => {
      const p = produced.get(s)!
      const configs: Record<string, string> = { 'compression.type': s.topicCompression }
      if (s.logAppendTime) configs['message.timestamp.type'] = 'LogAppendTime'
      await broker().cluster.createTopic({ name: p.topic, partitions: PARTITIONS, configs })
      p.start = Date.now()
      p.deliveries = await s.producer.produce(broker().bootstrap, [{ topic: p.topic, codec: s.codec, records: p.records }])
      p.end = Date.now()
    }),
  )
  for (const read of reads.values()) read().catch(() => {})
}, 60_000)

/** Every stored batch of the topic, per partition. */
async function storedBatches(topic: string): Promise<StoredBatch[][]> {
  return Promise.all(Array.from({ length: PARTITIONS }, (_, p) => readPartition(broker(), topic, p)))
}

/** The timestamp a consumer must report: the batch's max timestamp on LogAppendTime topics. */
function expectedTimestamp(s: Scenario, batches: StoredBatch[][], partition: number, offset: number, sent: OutRecord, consumer: ConsumerClient): string {
  const kind = (k: string) => (consumer.timestampTypeUnreported ? 'unreported' : k)
  if (!s.logAppendTime) return `${kind('create')} ${sent.timestamp ?? 'in produce window'}`
  return `${kind('log-append')} ${batches[partition]!.find((b) => b.baseOffset <= offset && offset <= b.lastOffset)?.maxTimestamp ?? 'no batch'}`
}

function timestampsSeen(s: Scenario, got: readonly SeenRecord[], p: Produced): string[] {
  return [...got]
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    .map((r) => {
      const sent = p.records.filter((x) => x.partition === r.partition)[r.offset]
      const clientClock = !s.logAppendTime && sent?.timestamp === undefined && r.timestamp >= p.start && r.timestamp <= p.end
      return `${r.partition}/${r.offset} ${r.timestampType} ${clientClock ? 'in produce window' : r.timestamp}`
    })
}

for (const s of SCENARIOS) {
  describe(s.name, () => {
    const p = produced.get(s)!
    const stored = storedCodec(s)

    it(`the log holds ${stored} batches${s.logAppendTime ? ' stamped with the broker clock' : ''}, CRCs valid, records exact`, async () => {
      const batches = (await storedBatches(p.topic)).flat()
      // The client's own batches where the topic keeps what producers send; the broker's otherwise.
      const mayLeaveRaw = writerOf(s) !== 'brook' && s.producer.mayLeaveRaw
      expect(codecsAsSent(new Set(batches.map((b) => b.compression)), stored, mayLeaveRaw)).toBe(`${stored} as sent`)
      expect(batches.every((b) => b.crcValid)).toBe(true)
      expect(new Set(batches.map((b) => b.timestampType))).toEqual(new Set([s.logAppendTime ? 1 : 0]))
      if (s.logAppendTime) for (const b of batches) expect(b.maxTimestamp).toSatisfy((t: number) => t >= p.start && t <= p.end)
      const fromLog = batches.flatMap((b) => b.records.map((r) => ({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null })))
      const sent = expectedRecords(p.topic, p.records).map(({ offset, key, value }) => ({ offset, key, value }))
      const order = (a: { offset: number; key: string | null }, b: { offset: number; key: string | null }) => a.offset - b.offset || String(a.key).localeCompare(String(b.key))
      expect(fromLog.sort(order)).toEqual(sent.sort(order))
    })

    if (s.logAppendTime && REPORTS_LOG_APPEND_TIME.has(s.producer.name)) {
      it('the Produce response carries the LogAppendTime the batch got', async () => {
        const batches = await storedBatches(p.topic)
        const want = p.deliveries?.map((d) => batches[d.partition]!.find((b) => b.baseOffset <= d.offset && d.offset <= b.lastOffset)?.maxTimestamp)
        expect(p.deliveries?.map((d) => d.logAppendTime)).toEqual(want)
      })
    }

    for (const consumer of ALL_CONSUMERS.filter((c) => c.canDecode(stored, writerOf(s)))) {
      it(`→ ${consumer.name}`, async () => {
        const got = (await reads.get(consumer)!()).filter((r) => r.topic === p.topic)
        expect(comparable(got)).toEqual(comparable(expectedRecords(p.topic, p.records)))
        const batches = await storedBatches(p.topic)
        const want = expectedRecords(p.topic, p.records).map((e) => {
          const sent = p.records.filter((x) => x.partition === e.partition)[e.offset]!
          return `${e.partition}/${e.offset} ${expectedTimestamp(s, batches, e.partition, e.offset, sent, consumer)}`
        })
        expect(timestampsSeen(s, got, p)).toEqual(want)
      })
    }
  })
}
