/**
 * One adapter per producing client. Each sends the same OutRecords (explicit partitions, keys,
 * headers, CreateTime where the client can set it) and returns what its delivery reports say.
 */
import { createRequire } from 'node:module'
import { Producer as PlatformaticProducer, ProduceAcks, stringSerializers } from '@platformatic/kafka'
import { CompressionCodecs, CompressionTypes, Kafka, logLevel } from 'kafkajs'
import { brokerHandlers } from '../../../src/handlers/index.js'
import { ApiKey } from '../../../src/protocol/generated/api-keys.js'
import type { Codec, Delivery, Header, OutRecord } from './records.js'
import { run, runPython } from './run.js'

export interface ProduceJob {
  readonly topic: string
  readonly codec: Codec
  readonly records: readonly OutRecord[]
  /** Default -1 (all). With 0 the broker answers nothing, so clients report no offsets. */
  readonly acks?: 0 | 1 | -1
}

export interface ProducerClient {
  readonly name: string
  /** The codecs this client can send. */
  readonly codecs: readonly Codec[]
  /** Whether the records keep the timestamps of the OutRecords (kcat -P stamps its own clock). */
  readonly setsTimestamps: boolean
  /** Whether `produce` resolves with delivery reports (kcat -P gives none). */
  readonly reportsDeliveries: boolean
  /**
   * Whether the client may send a batch uncompressed when compressing does not shrink it
   * (librdkafka and kafka-python do; which batches that hits depends on how the client batched).
   */
  readonly mayLeaveRaw: boolean
  /** The codec of the batches the broker receives when the client is asked for `codec`. */
  sends(codec: Codec): Codec
  /** Sends every job, in order; resolves with one delivery per record, or undefined if the client reports none. */
  produce(bootstrap: string, jobs: readonly ProduceJob[]): Promise<Delivery[] | undefined>
}

const require = createRequire(import.meta.url)
const KAFKAJS_TYPES: Readonly<Record<Codec, CompressionTypes>> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
}
// kafkajs has gzip built in; snappy and lz4 come from the codec packages, zstd has none installed.
type KafkajsCodecFactory = (typeof CompressionCodecs)[CompressionTypes.Snappy]
CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy') as KafkajsCodecFactory
const Lz4Codec = require('kafkajs-lz4') as new () => { codec: KafkajsCodecFactory }
CompressionCodecs[CompressionTypes.LZ4] = new Lz4Codec().codec

/** kafkajs takes headers as an object; a key sent more than once takes an array of values. */
function kafkajsHeaders(headers: readonly Header[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of headers) {
    const seen = out[k]
    out[k] = seen === undefined ? v : [...(Array.isArray(seen) ? seen : [seen]), v]
  }
  return out
}

/** Per record, its offset from the batch base offsets the client reports per partition. */
function offsetsFromBases(topic: string, records: readonly OutRecord[], reports: ReadonlyMap<number, Omit<Delivery, 'topic' | 'partition'>>): Delivery[] {
  const seen = new Map<number, number>()
  return records.map((r) => {
    const n = seen.get(r.partition) ?? 0
    seen.set(r.partition, n + 1)
    const report = reports.get(r.partition)
    if (!report) throw new Error(`no delivery report for ${topic}-${r.partition}`)
    return { ...report, topic, partition: r.partition, offset: report.offset + n }
  })
}

export const kafkajsProducer: ProducerClient = {
  name: 'kafkajs',
  mayLeaveRaw: false,
  codecs: ['none', 'gzip', 'snappy', 'lz4'],
  setsTimestamps: true,
  reportsDeliveries: true,
  sends: (codec) => codec,
  async produce(bootstrap, jobs) {
    const kafka = new Kafka({ clientId: 'brook-compat', brokers: [bootstrap], logLevel: logLevel.NOTHING })
    const producer = kafka.producer({ allowAutoTopicCreation: false })
    await producer.connect()
    try {
      const deliveries: Delivery[] = []
      for (const job of jobs) {
        const result = await producer.send({
          topic: job.topic,
          acks: job.acks ?? -1,
          compression: KAFKAJS_TYPES[job.codec],
          messages: job.records.map((r) => ({
            partition: r.partition,
            key: r.key,
            value: r.value,
            headers: kafkajsHeaders(r.headers),
            ...(r.timestamp === undefined ? {} : { timestamp: String(r.timestamp) }),
          })),
        })
        if (job.acks === 0) continue
        const reports = new Map(result.map((m) => [m.partition, { offset: Number(m.baseOffset), logAppendTime: Number(m.logAppendTime) }]))
        deliveries.push(...offsetsFromBases(job.topic, job.records, reports))
      }
      return deliveries
    } finally {
      await producer.disconnect()
    }
  },
}

export const platformaticProducer: ProducerClient = {
  name: 'platformatic',
  mayLeaveRaw: false,
  // Its zstd goes through node:zlib, which has no zstd before Node 22.15; Brook's CI runs Node 20.
  codecs: ['none', 'gzip', 'snappy', 'lz4'],
  setsTimestamps: true,
  reportsDeliveries: true,
  sends: (codec) => codec,
  async produce(bootstrap, jobs) {
    const producer = new PlatformaticProducer({ clientId: 'brook-compat', bootstrapBrokers: [bootstrap], serializers: stringSerializers, retries: 0 })
    try {
      const deliveries: Delivery[] = []
      for (const job of jobs) {
        const result = await producer.send({
          acks: job.acks ?? ProduceAcks.ALL,
          compression: job.codec,
          messages: job.records.map((r) => ({
            topic: job.topic,
            partition: r.partition,
            ...(r.key === null ? {} : { key: r.key }),
            ...(r.value === null ? {} : { value: r.value }),
            headers: new Map(r.headers),
            ...(r.timestamp === undefined ? {} : { timestamp: BigInt(r.timestamp) }),
          })),
        })
        if (job.acks === 0) continue
        const reports = new Map((result.offsets ?? []).map((o) => [o.partition, { offset: Number(o.offset) }]))
        deliveries.push(...offsetsFromBases(job.topic, job.records, reports))
      }
      return deliveries
    } finally {
      await producer.close()
    }
  },
}

/**
 * librdkafka 2.0.2 turns lz4 off (sending uncompressed, silently) unless the broker serves
 * FindCoordinator: its feature map ties lz4 to that API. gzip, snappy and zstd only need the
 * Produce versions Brook lists.
 */
function librdkafkaSends(codec: Codec): Codec {
  return codec === 'lz4' && !brokerHandlers.some((h) => h.apiKey === ApiKey.FindCoordinator) ? 'none' : codec
}

/**
 * librdkafka sends a batch uncompressed when compressing does not shrink it; a linger longer
 * than the time to hand it all records keeps the small workload in one batch per partition.
 */
const LIBRDKAFKA_LINGER_MS = 300

export const kcatProducer: ProducerClient = {
  name: 'kcat',
  mayLeaveRaw: true,
  codecs: ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
  setsTimestamps: false,
  reportsDeliveries: false,
  sends: librdkafkaSends,
  async produce(bootstrap, jobs) {
    // kcat -P sends to one partition with one header list per run: one run per partition, all at
    // once (each partition's order is its own run's). The long linger keeps each run one batch,
    // so a codec is never dropped for a tiny batch it would not shrink (librdkafka sends those raw).
    const runs = jobs.flatMap((job) =>
      [...new Set(job.records.map((r) => r.partition))].map((partition) => {
        const records = job.records.filter((r) => r.partition === partition)
        const headers = records[0]!.headers.flatMap(([k, v]) => ['-H', `${k}=${v}`])
        // A line without the key delimiter is a record with a null key; with -Z an empty value is null.
        const input = records.map((r) => (r.key === null ? (r.value ?? '') : `${r.key}\t${r.value ?? ''}`)).join('\n') + '\n'
        const args = ['-b', bootstrap, '-P', '-Z', '-t', job.topic, '-p', String(partition), '-K', '\t', '-z', job.codec, ...headers]
        return run('kcat', [...args, '-X', `topic.request.required.acks=${job.acks ?? -1}`, '-X', `linger.ms=${LIBRDKAFKA_LINGER_MS}`], { input })
      }),
    )
    await Promise.all(runs)
    return undefined
  },
}

interface ConfluentReport extends Delivery {
  readonly error: string | null
}

export const confluentProducer: ProducerClient = {
  name: 'confluent-kafka',
  mayLeaveRaw: true,
  codecs: ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
  setsTimestamps: true,
  reportsDeliveries: true,
  sends: librdkafkaSends,
  async produce(bootstrap, jobs) {
    const reports = await runPython<ConfluentReport[]>('confluent_produce', { bootstrap, jobs, config: { 'linger.ms': LIBRDKAFKA_LINGER_MS } })
    const failed = reports.filter((r) => r.error !== null)
    if (failed.length > 0) throw new Error(`confluent-kafka delivery errors: ${JSON.stringify(failed.slice(0, 3))}`)
    return reports.map(({ topic, partition, offset, logAppendTime }) => ({ topic, partition, offset, logAppendTime }))
  },
}

export const kafkaPythonProducer: ProducerClient = {
  name: 'kafka-python',
  mayLeaveRaw: true,
  codecs: ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
  setsTimestamps: true,
  reportsDeliveries: true,
  sends: (codec) => codec,
  async produce(bootstrap, jobs) {
    return runPython<Delivery[]>('kafka_python_produce', { bootstrap, jobs })
  },
}
