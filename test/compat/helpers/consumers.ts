/**
 * One adapter per consuming client. Each reads whole topics from the beginning to the end and
 * reports every record it decoded. These read without a consumer group (assign, or a plain
 * fetch); kafkajs, whose only consumer joins a group, is in group-consumers.ts.
 */
import { Consumer as PlatformaticConsumer } from '@platformatic/kafka'
import { kafkajsGroupConsumer } from './group-consumers.js'
import type { Codec, Header, SeenRecord } from './records.js'
import { run, runPython } from './run.js'

/**
 * Shorter long polls than the clients' 500 ms defaults: reading to the end takes a poll that
 * finds nothing new, and the suite has a time budget.
 */
const FETCH_WAIT_MS = 50

export interface ConsumerClient {
  readonly name: string
  /**
   * Whether the client can decode batches of `codec` as written by `writer` (a producer's name,
   * or 'brook' for batches the broker recompressed): snappy framing differs between writers.
   */
  canDecode(codec: Codec, writer: string): boolean
  /** Set by clients that do not expose a record's timestamp type. */
  readonly timestampTypeUnreported?: true
  /** Every record of `topics`, from the log start to the high watermark at the time of reading. */
  read(bootstrap: string, topics: readonly string[]): Promise<SeenRecord[]>
}

interface KcatJson {
  topic: string
  partition: number
  offset: number
  tstype: 'create' | 'logappend' | 'unknown'
  ts: number
  headers?: string[]
  key: string | null
  payload: string | null
}

/** kcat's JSON output (-J): unlike -f it tells a null key from an empty one, and gives header pairs. */
export const kcatConsumer: ConsumerClient = {
  name: 'kcat',
  canDecode: () => true,
  async read(bootstrap, topics) {
    const outputs = await Promise.all(topics.map((t) => run('kcat', ['-b', bootstrap, '-C', '-t', t, '-o', 'beginning', '-e', '-q', '-J', '-X', `fetch.wait.max.ms=${FETCH_WAIT_MS}`])))
    return outputs.flatMap((out) =>
      out
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => {
          const m = JSON.parse(line) as KcatJson
          const flat = m.headers ?? []
          const headers: Header[] = []
          for (let i = 0; i + 1 < flat.length; i += 2) headers.push([flat[i]!, flat[i + 1]!])
          return {
            topic: m.topic,
            partition: m.partition,
            offset: m.offset,
            key: m.key,
            value: m.payload,
            headers,
            timestamp: m.ts,
            timestampType: m.tstype === 'logappend' ? 'log-append' : 'create',
          }
        }),
    )
  },
}

export const confluentConsumer: ConsumerClient = {
  name: 'confluent-kafka',
  canDecode: () => true,
  read: (bootstrap, topics) => runPython<SeenRecord[]>('confluent_consume', { bootstrap, topics, config: { 'fetch.wait.max.ms': FETCH_WAIT_MS } }),
}

export const kafkaPythonConsumer: ConsumerClient = {
  name: 'kafka-python',
  canDecode: () => true,
  read: (bootstrap, topics) => runPython<SeenRecord[]>('kafka_python_consume', { bootstrap, topics, config: { fetch_max_wait_ms: FETCH_WAIT_MS } }),
}

const LOG_APPEND_TIME_BIT = 0x08
/** Writers of xerial-framed snappy: kafka-python, and the broker when it recompresses (as Kafka does). */
const XERIAL_WRITERS = new Set(['kafka-python', 'brook'])

/**
 * @platformatic/kafka's consume() always joins a group, so this uses its low-level fetch():
 * topic ids from its own Metadata, then Fetch from offset 0 until the high watermark, decoding
 * the batches (and decompressing them) with the client's own record reader.
 */
export const platformaticConsumer: ConsumerClient = {
  name: 'platformatic',
  // Its zstd goes through node:zlib, which has no zstd before Node 22.15; its snappy decoder
  // takes raw blocks only, not the xerial framing of kafka-python, the Java client and Kafka.
  canDecode: (codec, writer) => codec !== 'zstd' && !(codec === 'snappy' && XERIAL_WRITERS.has(writer)),
  async read(bootstrap, topics) {
    const consumer = new PlatformaticConsumer({ clientId: 'brook-compat', groupId: 'brook-compat-unused', bootstrapBrokers: [bootstrap] })
    try {
      const metadata = await consumer.metadata({ topics: [...topics], forceUpdate: true })
      const out: SeenRecord[] = []
      for (const topic of topics) {
        const info = metadata.topics.get(topic)
        if (!info) throw new Error(`platformatic metadata has no topic ${topic}`)
        for (let partition = 0; partition < info.partitionsCount; partition++) {
          out.push(...(await fetchPartition(consumer, metadata.brokers.keys().next().value!, topic, info.id, partition)))
        }
      }
      return out
    } finally {
      await consumer.close()
    }
  },
}

async function fetchPartition(consumer: PlatformaticConsumer, node: number, topic: string, topicId: string, partition: number): Promise<SeenRecord[]> {
  const out: SeenRecord[] = []
  const deadline = Date.now() + 20_000
  for (let offset = 0n; ; ) {
    const res = await consumer.fetch({
      node,
      maxWaitTime: FETCH_WAIT_MS,
      topics: [{ topicId, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 2 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }],
    })
    const p = res.responses[0]!.partitions[0]!
    if (p.errorCode !== 0) throw new Error(`platformatic fetch ${topic}-${partition}@${offset}: error ${p.errorCode}`)
    for (const batch of p.records ?? []) {
      const logAppend = (batch.attributes & LOG_APPEND_TIME_BIT) !== 0
      for (const r of batch.records) {
        out.push({
          topic,
          partition,
          offset: Number(batch.firstOffset) + r.offsetDelta,
          key: r.key === null ? null : r.key.toString(),
          value: r.value?.toString() ?? null,
          headers: r.headers.map(([k, v]) => [k?.toString() ?? '', v?.toString() ?? ''] as const),
          timestamp: Number(logAppend ? batch.maxTimestamp : batch.firstTimestamp + r.timestampDelta),
          timestampType: logAppend ? 'log-append' : 'create',
        })
      }
      offset = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n
    }
    if (offset >= p.highWatermark) return out
    if (Date.now() > deadline) throw new Error(`platformatic fetch ${topic}-${partition} stuck at ${offset} below ${p.highWatermark}`)
  }
}

export const ALL_CONSUMERS: readonly ConsumerClient[] = [kcatConsumer, confluentConsumer, kafkaPythonConsumer, platformaticConsumer, kafkajsGroupConsumer]
