/**
 * Consumers that join a consumer group (FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
 * OffsetFetch, OffsetCommit) and read what the group assigns them, until every partition reaches
 * the high watermark an admin client saw first. The matrix column reads with a fresh group.
 */
import { Kafka, logLevel } from 'kafkajs'
import type { IHeaders } from 'kafkajs'
import { uniqueName } from '../../helpers/index.js'
import type { ConsumerClient } from './consumers.js'
import type { Header, SeenRecord } from './records.js'

/** kafkajs gathers a header key sent twice into an array under its first position. */
function headerPairs(headers: IHeaders | undefined): Header[] {
  return Object.entries(headers ?? {}).flatMap(([k, v]) => [v ?? []].flat().map((one) => [k, one.toString()] as const))
}

export const kafkajsGroupConsumer: ConsumerClient = {
  name: 'kafkajs (group)',
  timestampTypeUnreported: true,
  // No zstd codec is installed for kafkajs; its snappy (kafkajs-snappy) takes raw and xerial,
  // its lz4 (kafkajs-lz4) reads every writer's frames here, large ones included.
  canDecode: (codec) => codec !== 'zstd',
  read: (bootstrap, topics) => readWithKafkajsGroup(bootstrap, topics, uniqueName('compat-kafkajs')),
}

/**
 * Joins `groupId` and reads each partition from the group's committed offset (the beginning if it
 * has none) to the high watermark an admin client saw first; the consumer commits as it goes.
 */
export async function readWithKafkajsGroup(bootstrap: string, topics: readonly string[], groupId: string): Promise<SeenRecord[]> {
  const kafka = new Kafka({ clientId: 'brook-compat', brokers: [bootstrap], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  const pending = new Map<string, number>()
  try {
    for (const topic of topics) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
      const start = new Map(committed?.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]))
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
        if (Number(high) > (start.get(partition) ?? 0)) pending.set(`${topic}/${partition}`, Number(high))
      }
    }
  } finally {
    await admin.disconnect()
  }
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50, retry: { retries: 2 } })
  const out: SeenRecord[] = []
  let finish: () => void = () => {}
  const done = new Promise<void>((resolve) => (finish = resolve))
  await consumer.connect()
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const offset = Number(message.offset)
        out.push({
          topic,
          partition,
          offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: headerPairs(message.headers),
          timestamp: Number(message.timestamp),
          // kafkajs gives LogAppendTime batches' max timestamp but not the type.
          timestampType: 'unreported',
        })
        const key = `${topic}/${partition}`
        if (offset + 1 >= (pending.get(key) ?? 0)) pending.delete(key)
        if (pending.size === 0) finish()
      },
    })
    if (pending.size === 0) finish()
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`kafkajs group consumer still waiting for ${[...pending.keys()].join(', ')}`)), 20_000).unref())
    await Promise.race([done, timeout])
    return out
  } finally {
    // disconnect() commits what eachMessage resolved before leaving the group.
    await consumer.disconnect()
  }
}
