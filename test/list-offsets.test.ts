// ListOffsets end to end: kafkajs admin, kcat -Q, kafka-python and @platformatic/kafka ask for
// earliest, latest, by-timestamp and max-timestamp offsets of partitions produced to over the wire.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { Admin as PlatformaticAdmin } from '@platformatic/kafka'
import { Kafka, logLevel } from 'kafkajs'
import type { Admin, Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../src/broker.js'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { ListOffsets } from '../src/protocol/generated/list-offsets.js'
import type { ListOffsetsResponse } from '../src/protocol/generated/list-offsets.js'
import { uniqueName } from './helpers/index.js'
import { startTestBroker } from './helpers/broker.js'
import { RawClient } from './helpers/raw-client.js'

const run = promisify(execFile)

let broker: Broker
let admin: Admin
let producer: Producer
/** Partition 0: timestamps 1000, 3000, 2000, 3000, 1500 at offsets 0-4; partition 1: empty. */
let topic: string
beforeAll(async () => {
  broker = await startTestBroker()
  const kafka = new Kafka({ clientId: 'brook-list-offsets', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  admin = kafka.admin()
  producer = kafka.producer()
  await Promise.all([admin.connect(), producer.connect()])
  topic = uniqueName('offsets')
  await broker.cluster.createTopic({ name: topic, partitions: 2 })
  for (const ts of [[1000, 3000], [2000], [3000, 1500]]) {
    await producer.send({ topic, acks: -1, messages: ts.map((t) => ({ partition: 0, value: String(t), timestamp: String(t) })) })
  }
})
afterAll(async () => {
  await Promise.all([admin.disconnect(), producer.disconnect()])
  await broker.close()
})

describe('kafkajs admin', () => {
  it('fetchTopicOffsets: low and high watermarks per partition', async () => {
    const offsets = await admin.fetchTopicOffsets(topic)
    expect(offsets.sort((a, b) => a.partition - b.partition)).toEqual([
      { partition: 0, offset: '5', high: '5', low: '0' },
      { partition: 1, offset: '0', high: '0', low: '0' },
    ])
  })

  it('fetchTopicOffsetsByTimestamp: the first offset at or after the time, else the high watermark', async () => {
    const at = async (ts: number) => (await admin.fetchTopicOffsetsByTimestamp(topic, ts)).sort((a, b) => a.partition - b.partition)
    expect(await at(0)).toEqual([{ partition: 0, offset: '0' }, { partition: 1, offset: '0' }])
    expect(await at(1001)).toEqual([{ partition: 0, offset: '1' }, { partition: 1, offset: '0' }])
    expect(await at(2500)).toEqual([{ partition: 0, offset: '1' }, { partition: 1, offset: '0' }])
    expect(await at(3001)).toEqual([{ partition: 0, offset: '5' }, { partition: 1, offset: '0' }])
  })
})

describe('kcat -Q (librdkafka offsetsForTimes)', () => {
  it('answers the offset for a timestamp per partition', async () => {
    const { stdout } = await run('kcat', ['-b', broker.bootstrap, '-Q', '-t', `${topic}:0:2001`, '-t', `${topic}:1:0`], { timeout: 30_000 })
    // kcat prints one line per partition asked for; -1 means no record at or after the time.
    expect(stdout.trim().split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).sort()).toEqual([`${topic} [0] offset 1`, `${topic} [1] offset -1`])
  })
})

const KAFKA_PYTHON = `
import json, sys
from kafka import KafkaConsumer, TopicPartition
bootstrap, topic = sys.argv[1:3]
c = KafkaConsumer(bootstrap_servers=bootstrap)
tps = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
times = c.offsets_for_times({tps[0]: 2001, tps[1]: 0})
print(json.dumps({
  'begin': [c.beginning_offsets(tps)[tp] for tp in tps],
  'end': [c.end_offsets(tps)[tp] for tp in tps],
  'times': [None if times[tp] is None else [times[tp].offset, times[tp].timestamp] for tp in tps],
}))
c.close()
`

describe('kafka-python', () => {
  it('beginning_offsets, end_offsets and offsets_for_times', async () => {
    const { stdout } = await run('/usr/bin/python3', ['-c', KAFKA_PYTHON, broker.bootstrap, topic], { timeout: 30_000 })
    expect(JSON.parse(stdout)).toEqual({ begin: [0, 0], end: [5, 0], times: [[1, 3000], null] })
  })
})

describe('@platformatic/kafka admin.listOffsets (flexible versions)', () => {
  it('answers earliest and latest with the leader epoch', async () => {
    const pa = new PlatformaticAdmin({ clientId: 'brook-test', bootstrapBrokers: [broker.bootstrap] })
    try {
      const [latest] = await pa.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }, { partitionIndex: 1, timestamp: -2n }] }] })
      expect(latest!.partitions.sort((a, b) => a.partitionIndex - b.partitionIndex)).toEqual([
        { partitionIndex: 0, timestamp: -1n, offset: 5n, leaderEpoch: 0 },
        { partitionIndex: 1, timestamp: -1n, offset: 0n, leaderEpoch: 0 },
      ])
    } finally {
      await pa.close()
    }
  })
})

describe('raw ListOffsets', () => {
  async function list(version: number, timestamp: bigint, partitionIndex = 0, extra: { isolationLevel?: number; replicaId?: number } = {}): Promise<ListOffsetsResponse> {
    const c = await RawClient.connect(broker.bootstrap)
    try {
      c.send(ListOffsets, version, {
        replicaId: extra.replicaId ?? -1,
        isolationLevel: extra.isolationLevel ?? 0,
        topics: [{ name: topic, partitions: [{ partitionIndex, timestamp, currentLeaderEpoch: -1, maxNumOffsets: 1 }] }],
      })
      return (await c.receive(ListOffsets, version)).body
    } finally {
      c.close()
    }
  }
  const first = (r: ListOffsetsResponse) => r.topics[0]!.partitions[0]!

  it('answers max timestamp (-3) with the first record holding it, v7+', async () => {
    expect(first(await list(7, -3n))).toMatchObject({ errorCode: 0, timestamp: 3000n, offset: 1n, leaderEpoch: 0 })
    expect(first(await list(6, -3n))).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_VERSION, offset: -1n })
  })

  it('answers every version from v1 to v8, read_committed included', async () => {
    for (let v = 1; v <= 8; v++) {
      expect(first(await list(v, -1n, 0, { isolationLevel: v >= 2 ? 1 : 0 }))).toMatchObject({ errorCode: 0, offset: 5n, timestamp: -1n })
    }
  })

  it('refuses v0 (Kafka 4.0 no longer serves it): the connection closes', async () => {
    const c = await RawClient.connect(broker.bootstrap)
    c.send(ListOffsets, 0, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n, currentLeaderEpoch: -1, maxNumOffsets: 1 }] }] })
    await c.waitClosed()
  })

  it('answers an unknown isolation level with UNKNOWN_SERVER_ERROR for every partition', async () => {
    expect(first(await list(5, -1n, 0, { isolationLevel: 7 }))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, offset: -1n, timestamp: -1n })
  })
})
