/**
 * The compatibility suite's record model: what a producer is asked to send (`OutRecord`), what a
 * consumer reports (`SeenRecord`), the workload every producer sends, and the comparison that
 * turns both into the same shape (large values become length + digest so a mismatch stays readable).
 */
import { createHash } from 'node:crypto'
import type { Broker } from '../../../src/broker.js'
import { readPartition } from '../../helpers/partition-records.js'

export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type Codec = (typeof CODECS)[number]

/** Compression type ids of the batch attributes, by codec name. */
export const CODEC_ID: Readonly<Record<Codec, number>> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 }

export type Header = readonly [key: string, value: string]

/** A record a producer is told to send, to an explicit partition. */
export interface OutRecord {
  readonly partition: number
  readonly key: string | null
  /** null: a tombstone. */
  readonly value: string | null
  readonly headers: readonly Header[]
  /** CreateTime to set; producers that cannot set one (kcat) leave the client's clock. */
  readonly timestamp?: number
}

export type TimestampKind = 'create' | 'log-append'

/** A record as a consumer reports it. */
export interface SeenRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly key: string | null
  readonly value: string | null
  readonly headers: readonly Header[]
  readonly timestamp: number
  /** 'unreported' by clients that do not expose it (kafkajs); the timestamp itself is still checked. */
  readonly timestampType: TimestampKind | 'unreported'
}

/** Where the broker put a record, as the producer's delivery report says. */
export interface Delivery {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  /** The Produce response's LogAppendTime (-1 on CreateTime topics), where the client exposes it. */
  readonly logAppendTime?: number
}

export const PARTITIONS = 3
const PER_PARTITION = 8
/** CreateTime the workload's records carry, far from the broker's clock so a rewrite shows. */
export const BASE_TIMESTAMP = 1_600_000_000_000

/** Producers that cannot send two headers with one key (@platformatic/kafka takes a Map). */
const NO_DUPLICATE_HEADERS = new Set(['platformatic'])

/**
 * Headers depend on the partition only, because kcat sets one header list per invocation: on
 * partition 0 three headers, one non-ASCII and one key twice (where the client can), none on 1,
 * one on 2.
 */
export function headersFor(client: string, codec: Codec, partition: number): Header[] {
  if (partition === 0) {
    const headers: Header[] = [['client', client], ['trace', `p0-ü-${codec}`]]
    return NO_DUPLICATE_HEADERS.has(client) ? headers : [...headers, ['trace', 'again']]
  }
  return partition === 2 ? [['codec', codec]] : []
}

/**
 * Records for every partition, interleaved: keys null for every third record, one non-ASCII key,
 * one tombstone (null value) per partition, values growing so compressed batches hold real data.
 * Every value compresses on its own: librdkafka and kafka-python send a batch raw when compressing
 * does not shrink it, and a producer may put any record in a batch of its own.
 * No tab or newline (kcat's delimiters), no empty value (kcat -Z sends those as null).
 */
export function workload(client: string, codec: Codec, options: { timestamps?: boolean } = {}): OutRecord[] {
  const out: OutRecord[] = []
  for (let i = 0; i < PER_PARTITION; i++) {
    for (let p = 0; p < PARTITIONS; p++) {
      const key = i % 3 === 1 ? null : i === 2 ? `ключ-${p}-€` : `k-${p}-${i}`
      const value = i === 5 ? null : `${client}/${codec}/p${p}/r${i} ${'payload-'.repeat(8 + i * 5)}`
      const base = { partition: p, key, value, headers: headersFor(client, codec, p) }
      out.push(options.timestamps ? { ...base, timestamp: BASE_TIMESTAMP + p * 1000 + i } : base)
    }
  }
  return out
}

/**
 * ~`size` bytes of deterministic text that compresses as real payloads do (JSON-like lines with
 * pseudo-random fields, a xorshift generator), so every codec shrinks it.
 */
export function largeValue(seed: number, size: number): string {
  let x = (seed * 2654435761 + 1) >>> 0 || 1
  const next = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) % 100_000
  }
  const parts: string[] = []
  for (let length = 0; length < size; ) {
    const line = `{"id":${next()},"user":"user-${next() % 977}","amount":${next() / 100},"tags":["t${next() % 13}","t${next() % 7}"]}`
    parts.push(line)
    length += line.length + 1
  }
  return parts.join(' ').slice(0, size)
}

const LARGE = 900 * 1024

/**
 * ~900 KiB records, one per partition of two (under the default max.message.bytes, 1048588, and
 * the clients' default 1 MiB per-partition fetch), so one per batch. No small records beside them:
 * kafka-python and librdkafka send a batch raw when compression does not shrink it, as a lone small one.
 */
export function largeRecords(seed: number, options: { timestamps?: boolean } = {}): OutRecord[] {
  const ts = (n: number) => (options.timestamps ? { timestamp: BASE_TIMESTAMP + n } : {})
  return [
    { partition: 0, key: 'large-0', value: largeValue(seed * 2 + 1, LARGE), headers: [['size', 'large']], ...ts(0) },
    { partition: 1, key: null, value: largeValue(seed * 2 + 2, LARGE), headers: [], ...ts(1) },
  ]
}

/** The records a consumer must see for `sent` on `topic`: offsets count up per partition in send order. */
export function expectedRecords(topic: string, sent: readonly OutRecord[]): Omit<SeenRecord, 'timestamp' | 'timestampType'>[] {
  const next = new Map<number, number>()
  const out = sent.map((r) => {
    const offset = next.get(r.partition) ?? 0
    next.set(r.partition, offset + 1)
    return { topic, partition: r.partition, offset, key: r.key, value: r.value, headers: r.headers }
  })
  return sortRecords(out)
}

/** A long value as its length and digest: a failing comparison then prints lines, not megabytes. */
export function shortValue(value: string | null): string | null {
  if (value === null || value.length <= 200) return value
  return `<${Buffer.byteLength(value)} bytes sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}>`
}

/** Records without their timestamps, in topic/partition/offset order, long values shortened. */
export function comparable(records: readonly Omit<SeenRecord, 'timestamp' | 'timestampType'>[]) {
  return sortRecords(records).map((r) => ({
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    key: r.key,
    value: shortValue(r.value),
    headers: r.headers.map(([k, v]) => [k, v] as const),
  }))
}

export function sortRecords<T extends { topic: string; partition: number; offset: number }>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition || a.offset - b.offset))
}

/** A topic's records as the log holds them (read through the storage, not Fetch), header lists kept whole. */
export async function logRecords(broker: Broker, topic: string, partitions = PARTITIONS): Promise<Omit<SeenRecord, 'timestamp' | 'timestampType'>[]> {
  const out = []
  for (let partition = 0; partition < partitions; partition++) {
    for (const batch of await readPartition(broker, topic, partition)) {
      for (const r of batch.records) {
        const headers = r.headers.map((h) => [h.key, h.value?.toString() ?? ''] as const)
        out.push({ topic, partition, offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, headers })
      }
    }
  }
  return out
}

/**
 * The codecs a topic's batches must carry when a client sent `codec`: exactly it, or, for clients
 * that send a batch raw when compressing does not shrink it (librdkafka, kafka-python), it and
 * none, as long as some batch carries it (a client that silently sends everything raw still fails).
 */
export function codecsAsSent(actual: ReadonlySet<number>, codec: Codec, mayLeaveRaw: boolean): string {
  const want = CODEC_ID[codec]
  const fine = mayLeaveRaw ? actual.has(want) && [...actual].every((c) => c === want || c === 0) : actual.size === 1 && actual.has(want)
  return fine ? `${codec} as sent` : `codecs ${[...actual].join(',')} for ${codec}`
}

/** The compression types of the batches stored for `topic`, read through the storage (not Fetch). */
export async function storedCodecs(broker: Broker, topic: string, partitions = PARTITIONS): Promise<Set<number>> {
  const codecs = new Set<number>()
  for (let p = 0; p < partitions; p++) for (const b of await readPartition(broker, topic, p)) codecs.add(b.compression)
  return codecs
}
