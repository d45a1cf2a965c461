// Consuming with real clients, without a group: kcat (librdkafka), kafka-python with assign(),
// @platformatic/kafka's low-level fetch. Records come from a real producer (kafkajs), with keys,
// headers, several partitions and compression, and are checked exactly: partitions, offsets,
// keys, values, headers.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { Consumer } from '@platformatic/kafka'
import { CompressionTypes, Kafka, logLevel } from 'kafkajs'
import type { Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../src/broker.js'
import { startTestBroker } from './helpers/broker.js'
import { createTopicWithLogs } from './helpers/fetch.js'
import { eventually, uniqueName } from './helpers/index.js'

const run = promisify(execFile)

interface Expected {
  partition: number
  offset: number
  key: string | null
  value: string
  headers: Record<string, string>
}

let broker: Broker
let producer: Producer

beforeAll(async () => {
  broker = await startTestBroker()
  const kafka = new Kafka({ clientId: 'brook-fetch-clients', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  producer = kafka.producer({ allowAutoTopicCreation: false })
  await producer.connect()
})
afterAll(async () => {
  await producer.disconnect()
  await broker.close()
})

/**
 * Produces `perPartition` records to each of `partitions` partitions (half gzip-compressed
 * batches), returns what each consumer must see, sorted by partition and offset.
 */
async function produceFixture(topic: string, partitions: number, perPartition: number): Promise<Expected[]> {
  await createTopicWithLogs(broker, topic, partitions)
  const expected: Expected[] = []
  for (let p = 0; p < partitions; p++) {
    for (let batch = 0; batch < 2; batch++) {
      const messages = []
      for (let i = 0; i < perPartition / 2; i++) {
        const n = batch * (perPartition / 2) + i
        const key = n % 3 === 0 ? null : `key-${p}-${n}`
        const value = `value-${p}-${n}-${'x'.repeat(n * 7)}`
        const headers: Record<string, string> = n % 2 === 0 ? { trace: `t${n}`, part: String(p) } : {}
        messages.push({ partition: p, key, value, headers })
        expected.push({ partition: p, offset: n, key, value, headers })
      }
      await producer.send({ topic, acks: -1, compression: batch === 0 ? CompressionTypes.None : CompressionTypes.GZIP, messages })
    }
  }
  return expected
}

describe('kcat (librdkafka) consumer', () => {
  it('reads every partition from the beginning to the end', async () => {
    const topic = uniqueName('kcat-consume')
    const expected = await produceFixture(topic, 3, 10)
    const { stdout } = await run('kcat', ['-b', broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q'], { timeout: 30_000 })
    const got = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { partition: number; offset: number; key: string | null; payload: string; headers?: string[] })
      .map((m) => ({ partition: m.partition, offset: m.offset, key: m.key, value: m.payload, headers: pairs(m.headers ?? []) }))
      .sort(byPartitionOffset)
    expect(got).toEqual(expected)
  })

  it('reads from an absolute offset and from the end', async () => {
    const topic = uniqueName('kcat-offsets')
    const expected = await produceFixture(topic, 1, 6)
    const from4 = await run('kcat', ['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', '4', '-e', '-f', '%o:%s\\n', '-q'], { timeout: 30_000 })
    expect(from4.stdout.trim().split('\n')).toEqual(expected.slice(4).map((e) => `${e.offset}:${e.value}`))
    const end = await run('kcat', ['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'end', '-e', '-q'], { timeout: 30_000 })
    expect(end.stdout).toBe('')
  })
})

describe('kafka-python consumer with assign() and no group', () => {
  it('seeks to the beginning, reads everything, and seeks to the end', async () => {
    const topic = uniqueName('kafka-python-consume')
    const expected = await produceFixture(topic, 2, 8)
    const script = `
import json, sys
from kafka import KafkaConsumer, TopicPartition
c = KafkaConsumer(bootstrap_servers=sys.argv[1], group_id=None, auto_offset_reset='earliest', enable_auto_commit=False, consumer_timeout_ms=10000)
tps = [TopicPartition(sys.argv[2], p) for p in range(2)]
c.assign(tps)
c.seek_to_beginning()
out = []
for m in c:
    out.append({'partition': m.partition, 'offset': m.offset, 'key': None if m.key is None else m.key.decode(), 'value': m.value.decode(), 'headers': {k: v.decode() for k, v in m.headers}})
    if len(out) == int(sys.argv[3]): break
c.seek_to_end()
print(json.dumps({'records': out, 'end': [c.position(tp) for tp in tps]}))
c.close()
`
    const { stdout } = await run('/usr/bin/python3', ['-c', script, broker.bootstrap, topic, String(expected.length)], { timeout: 60_000 })
    const got = JSON.parse(stdout) as { records: Expected[]; end: number[] }
    expect(got.records.sort(byPartitionOffset)).toEqual(expected)
    expect(got.end).toEqual([8, 8])
  })

  it('waits for records produced while it polls', async () => {
    const topic = uniqueName('kafka-python-tail')
    await createTopicWithLogs(broker, topic, 1)
    const script = `
import sys
from kafka import KafkaConsumer, TopicPartition
c = KafkaConsumer(bootstrap_servers=sys.argv[1], group_id=None, auto_offset_reset='earliest', enable_auto_commit=False, consumer_timeout_ms=20000)
c.assign([TopicPartition(sys.argv[2], 0)])
print('ready', flush=True)
for m in c:
    print(m.offset, m.value.decode(), flush=True)
    break
`
    const child = execFile('/usr/bin/python3', ['-c', script, broker.bootstrap, topic], { timeout: 60_000 })
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    await eventually(() => expect(output).toContain('ready'), { timeoutMs: 30_000 })
    await eventually(() => expect(broker.fetches.purgatory.size).toBeGreaterThan(0), { timeoutMs: 30_000 })
    await producer.send({ topic, messages: [{ value: 'tailed' }] })
    expect(await exited).toBe(0)
    expect(output).toContain('0 tailed')
  })
})

describe('@platformatic/kafka fetch without joining a group', () => {
  it('fetches a partition by topic id and decodes the batches', async () => {
    const topic = uniqueName('platformatic-fetch')
    const expected = await produceFixture(topic, 2, 4)
    const id = broker.cluster.topics.get(topic)!.topicId
    const consumer = new Consumer({ clientId: 'brook-test', groupId: uniqueName('unused'), bootstrapBrokers: [broker.bootstrap] })
    try {
      const got: Expected[] = []
      for (const partition of [0, 1]) {
        const res = await consumer.fetch({
          node: broker.cluster.nodeId,
          maxWaitTime: 100,
          topics: [{ topicId: dashedHex(id), partitions: [{ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: 0, lastFetchedEpoch: -1 }] }],
        })
        const p = res.responses[0]!.partitions[0]!
        expect(p).toMatchObject({ errorCode: 0, highWatermark: 4n, logStartOffset: 0n })
        for (const batch of p.records ?? []) {
          for (const r of batch.records) {
            got.push({
              partition,
              offset: Number(batch.firstOffset) + r.offsetDelta,
              key: r.key === null ? null : r.key.toString(),
              value: r.value!.toString(),
              headers: Object.fromEntries(r.headers.map(([k, v]) => [k!.toString(), v!.toString()])),
            })
          }
        }
      }
      expect(got.sort(byPartitionOffset)).toEqual(expected)
    } finally {
      await consumer.close()
    }
  })
})

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!
  return out
}

function byPartitionOffset(a: Expected, b: Expected): number {
  return a.partition - b.partition || a.offset - b.offset
}

/** @platformatic/kafka prints uuids as dashed hex, Kafka as base64url. */
function dashedHex(uuid: string): string {
  const h = Buffer.from(uuid, 'base64url').toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
