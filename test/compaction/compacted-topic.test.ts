// End to end: kafkajs produces keyed records to a compacted topic whose segments roll often; the
// broker's cleaner compacts it in the background; a consumer from the beginning sees exactly the
// latest value per key below the clean's end, each at the offset it was written at, and every
// record after it.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { BatchHeader } from '../../src/protocol/records/batch-header.js'
import { startTestBroker } from '../helpers/broker.js'
import { eventually, tempDir, uniqueName } from '../helpers/index.js'

const run = promisify(execFile)

let broker: Broker
let dir: string
beforeAll(async () => {
  dir = tempDir()
  broker = await startTestBroker({ config: { 'log.dirs': dir, 'log.cleaner.backoff.ms': '50', 'group.initial.rebalance.delay.ms': '0' } })
})
afterAll(async () => {
  await broker.close()
})

/** Where the cleaner's last clean of `topic`-0 ended, from the log dir's cleaner-offset-checkpoint. */
async function cleanedTo(topic: string): Promise<number> {
  const text = await readFile(join(dir, 'cleaner-offset-checkpoint'), 'utf8').catch(() => '')
  const line = text.split('\n').find((l) => l.startsWith(`${topic} 0 `))
  return line === undefined ? -1 : Number(line.split(' ')[2])
}

/**
 * A kafkajs client and a new one-partition compacted topic whose segments roll every 500 ms and
 * are cleaned once 1% of the log is dirty; `extra` configs go after those.
 */
async function compactedTopic(prefix: string, extra: { name: string; value: string }[] = []): Promise<{ kafka: Kafka; topic: string }> {
  const topic = uniqueName(prefix)
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({
    topics: [{ topic, numPartitions: 1, configEntries: [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'segment.ms', value: '500' },
      { name: 'min.cleanable.dirty.ratio', value: '0.01' },
      ...extra,
    ] }],
  })
  await admin.disconnect()
  return { kafka, topic }
}

describe('a compacted topic', () => {
  it('reaches a consumer from the beginning as the latest value per key, at the original offsets', async () => {
    const { kafka, topic } = await compactedTopic('compacted', [{ name: 'delete.retention.ms', value: '3600000' }])

    // Ten rounds a second apart in record time: each rolls a new segment (segment.ms 500).
    const producer = kafka.producer()
    await producer.connect()
    const written = new Map<number, { key: string; value: string | null }>()
    const base = Date.now() - 60_000
    for (let round = 0; round < 10; round++) {
      const messages = Array.from({ length: 40 }, (_, i) => {
        const key = `key-${(round * 7 + i * 3) % 25}`
        const value = i % 13 === 5 ? null : `r${round}-i${i}-${'v'.repeat(i * 5)}`
        return { key, value, timestamp: String(base + round * 1000 + i) }
      })
      const [ack] = await producer.send({ topic, messages })
      messages.forEach((m, i) => written.set(Number(ack!.baseOffset) + i, { key: m.key, value: m.value }))
    }
    await producer.disconnect()
    const end = Math.max(...written.keys()) + 1

    // Everything below the active segment (the last round) gets cleaned.
    const cleaned = await eventually(async () => {
      const to = await cleanedTo(topic)
      expect(to).toBe(end - 40)
      return to
    })

    const seen: Array<{ offset: number; key: string; value: string | null }> = []
    const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ offset: Number(message.offset), key: message.key!.toString(), value: message.value === null ? null : message.value.toString() })
      },
    })
    await eventually(() => expect(seen.at(-1)?.offset).toBe(end - 1), { timeoutMs: 15_000 })
    await consumer.disconnect()

    const latest = new Map<string, number>()
    for (const [offset, r] of written) if (offset < cleaned) latest.set(r.key, offset)
    const expected = [...written]
      .filter(([offset, r]) => offset >= cleaned || latest.get(r.key) === offset)
      .map(([offset, r]) => ({ offset, ...r }))
    expect(seen).toEqual(expected)
    expect(seen.length).toBeLessThan(written.size / 2)
  }, 30_000)

  it('keeps the emptied last batch of an idempotent producer, which kcat and kafkajs read past', async () => {
    const { kafka, topic } = await compactedTopic('compacted-idem')
    const base = Date.now() - 60_000
    const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
    await idempotent.connect()
    await idempotent.send({ topic, messages: [{ key: 'a', value: 'idem-1', timestamp: String(base) }, { key: 'b', value: 'idem-2', timestamp: String(base) }] })
    await idempotent.disconnect()
    const plain = kafka.producer()
    await plain.connect()
    await plain.send({ topic, messages: [{ key: 'a', value: 'a-2', timestamp: String(base + 1000) }, { key: 'b', value: 'b-2', timestamp: String(base + 1000) }] })
    await plain.send({ topic, messages: [{ key: 'c', value: 'c-1', timestamp: String(base + 2000) }] })
    await plain.disconnect()

    await eventually(async () => expect(await cleanedTo(topic)).toBe(4))
    const log = broker.replicas.partition(topic, 0)!
    const read = await log.read(0, 1 << 20)
    // The idempotent batch stays as a header without records, offsets 0-1, its producer id kept.
    const first = BatchHeader.view(read.records, 0)
    expect([first.baseOffset, first.lastOffset, first.recordCount, first.producerId >= 0]).toEqual([0, 1, 0, true])

    const { stdout } = await run('kcat', ['-b', broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o %k %s\\n'])
    expect(stdout.trim().split('\n')).toEqual(['2 a a-2', '3 b b-2', '4 c c-1'])

    const seen: string[] = []
    const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(`${message.offset} ${message.key} ${message.value}`) })
    await eventually(() => expect(seen).toEqual(['2 a a-2', '3 b b-2', '4 c c-1']), { timeoutMs: 15_000 })
    await consumer.disconnect()
  }, 30_000)
})
