/**
 * The producer × codec × consumer matrix. One producer run sends the workload once per codec
 * (one topic each, three partitions); each consumer then reads all those topics in one run, and
 * every (codec, consumer) cell is its own test comparing exact partitions, offsets, keys, values,
 * headers and timestamps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../../../src/broker.js'
import { startTestBroker } from '../../helpers/broker.js'
import { uniqueName } from '../../helpers/index.js'
import type { ConsumerClient } from './consumers.js'
import type { ProduceJob, ProducerClient } from './producers.js'
import { PARTITIONS, codecsAsSent, comparable, expectedRecords, logRecords, storedCodecs, workload } from './records.js'
import type { Codec, Delivery, OutRecord, SeenRecord } from './records.js'

interface Window {
  start: number
  end: number
}

/** A broker for the calling test file (port 0, temp data dir), closed when the file ends. */
export function useBroker(config: Readonly<Record<string, string>> = {}): () => Broker {
  let broker: Broker | undefined
  beforeAll(async () => {
    // Group consumers join a fresh group per read: no wait for more members (as startBroker() does).
    broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0', ...config } })
  })
  afterAll(() => broker?.close())
  return () => {
    if (!broker) throw new Error('broker not started')
    return broker
  }
}

/** Memoizes one read per consumer, shared by that consumer's cells. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined
  return () => (p ??= make())
}

export interface MatrixOptions {
  /** Names the describe block and the topics. */
  readonly label?: string
  /** One topic per entry, sent in this codec; default: every codec the producer supports. */
  readonly codecs?: readonly Codec[]
  /** The records of one topic; default: the shared workload. */
  readonly records?: (codec: Codec, index: number) => OutRecord[]
  readonly partitions?: number
}

/**
 * Declares the matrix of one producer; returns its `start` (produce, then every consumer begins
 * reading), which the describe block awaits. A file with several matrices can call every start
 * in a top-level beforeAll so they run at once.
 */
export function describeProducerMatrix(broker: () => Broker, producer: ProducerClient, consumers: readonly ConsumerClient[], options: MatrixOptions = {}): () => Promise<void> {
  const label = options.label ?? 'producer'
  const partitions = options.partitions ?? PARTITIONS
  const records = options.records ?? ((codec: Codec) => workload(producer.name, codec, { timestamps: producer.setsTimestamps }))
  const jobs: ProduceJob[] = (options.codecs ?? producer.codecs).map((codec, i) => ({
    topic: uniqueName(`compat-${producer.name}-${label}-${codec}`),
    codec,
    records: records(codec, i),
  }))
  let deliveries: Delivery[] | undefined
  const window: Window = { start: 0, end: 0 }
  const produced = once(async () => {
    for (const job of jobs) await broker().cluster.createTopic({ name: job.topic, partitions })
    window.start = Date.now()
    deliveries = await producer.produce(broker().bootstrap, jobs)
    window.end = Date.now()
  })
  const reads = consumers.map((consumer) => {
    const readable = jobs.filter((j) => consumer.canDecode(producer.sends(j.codec), producer.name))
    const read = once(async () => {
      await produced()
      return consumer.read(broker().bootstrap, readable.map((j) => j.topic))
    })
    return { consumer, readable, read }
  })
  // Every consumer starts reading as soon as the records are in; each cell awaits its own column.
  const start = once(async () => {
    await produced()
    for (const { read } of reads) read().catch(() => {})
  })

  describe(`${producer.name} ${label}`, () => {
    beforeAll(start, 60_000)

    for (const job of jobs) {
      const stored = producer.sends(job.codec)
      const expected = expectedRecords(job.topic, job.records)

      it(`${job.codec}: the log holds the records exactly, in ${stored} batches`, async () => {
        expect(codecsAsSent(await storedCodecs(broker(), job.topic, partitions), stored, producer.mayLeaveRaw)).toBe(`${stored} as sent`)
        const fromLog = await logRecords(broker(), job.topic, partitions)
        expect(comparable(fromLog)).toEqual(comparable(expected))
      })

      if (producer.reportsDeliveries) {
        it(`${job.codec}: delivery reports give every record its partition and offset`, () => {
          const first = jobs.slice(0, jobs.indexOf(job)).reduce((n, j) => n + j.records.length, 0)
          const mine = deliveries?.slice(first, first + job.records.length)
          const next = new Map<number, number>()
          const want = job.records.map((r) => {
            const offset = next.get(r.partition) ?? 0
            next.set(r.partition, offset + 1)
            return { topic: job.topic, partition: r.partition, offset }
          })
          expect(mine?.map(({ topic, partition, offset }) => ({ topic, partition, offset }))).toEqual(want)
          // A CreateTime topic: the Produce response's LogAppendTime is -1.
          expect(new Set(mine?.map((d) => d.logAppendTime ?? -1))).toEqual(new Set([-1]))
        })
      }
    }

    for (const { consumer, readable, read } of reads) {
      for (const job of readable) {
        it(`${job.codec} → ${consumer.name}`, async () => {
          const got = (await read()).filter((r) => r.topic === job.topic)
          expect(comparable(got)).toEqual(comparable(expectedRecords(job.topic, job.records)))
          expect(timestampsOf(got, job.records, window)).toEqual(expectedTimestamps(job.topic, job.records, consumer.timestampTypeUnreported ? 'unreported' : 'create'))
        })
      }
    }
  })
  return start
}

/** Each record's timestamp type and value; a client-clock CreateTime only has to fall in the produce window. */
function timestampsOf(records: readonly SeenRecord[], sent: readonly OutRecord[], window: Window) {
  const byPartition = (p: number) => sent.filter((r) => r.partition === p)
  return [...records]
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    .map((r) => {
      const set = byPartition(r.partition)[r.offset]?.timestamp
      const ts = set === undefined && r.timestamp >= window.start && r.timestamp <= window.end ? 'in produce window' : r.timestamp
      return `${r.partition}/${r.offset} ${r.timestampType} ${ts}`
    })
}

function expectedTimestamps(topic: string, sent: readonly OutRecord[], kind: string): string[] {
  const byPartition = (p: number) => sent.filter((r) => r.partition === p)
  return expectedRecords(topic, sent).map((e) => `${e.partition}/${e.offset} ${kind} ${byPartition(e.partition)[e.offset]!.timestamp ?? 'in produce window'}`)
}
