/**
 * Consumer groups with @platformatic/kafka over TCP. It implements only the flexible versions of
 * the group APIs (JoinGroup v6-9, SyncGroup v4-5, Heartbeat v4, OffsetCommit v8-9, OffsetFetch
 * v8-9, LeaveGroup v4-5) and picks the highest the broker offers.
 */
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import type { GroupAssignment, Message } from '@platformatic/kafka'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startBroker } from '../src/index.js'
import type { BrokerHandle } from '../src/index.js'
import { eventually, uniqueName } from './helpers/index.js'

let broker: BrokerHandle

beforeAll(async () => {
  broker = await startBroker()
})
afterAll(() => broker?.close())

async function produce(topic: string, values: readonly string[], partitions: number): Promise<void> {
  const producer = new Producer({ clientId: 'brook-groups', bootstrapBrokers: [broker.bootstrap], serializers: stringSerializers })
  try {
    await producer.send({ messages: values.map((value, i) => ({ topic, value, partition: i % partitions })) })
  } finally {
    await producer.close()
  }
}

interface Member {
  readonly consumer: Consumer<string, string, string, string>
  readonly received: string[]
  /** Stops consuming and leaves the group. */
  leave(): Promise<void>
}

/** Joins the group and consumes from the committed offsets (earliest without), committing each message. */
async function member(topic: string, groupId: string): Promise<Member> {
  const consumer = new Consumer({
    clientId: 'brook-groups',
    groupId,
    bootstrapBrokers: [broker.bootstrap],
    deserializers: stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
    maxWaitTime: 100,
  })
  onTestFinished(() => consumer.close(true))
  const received: string[] = []
  const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false })
  stream.on('data', (message: Message<string, string, string, string>) => {
    received.push(message.value)
    void message.commit()
  })
  const leave = async (): Promise<void> => {
    await stream.close()
    await consumer.close()
  }
  return { consumer, received, leave }
}

const partitionsOf = (assignments: GroupAssignment[] | null): number[] => (assignments ?? []).flatMap((a) => a.partitions).sort()

describe('@platformatic/kafka consumer groups', () => {
  it('two members split a topic, commit per message, and a later member resumes from the commits', async () => {
    const topic = uniqueName('platformatic-groups')
    const groupId = uniqueName('g')
    await broker.cluster.createTopic({ name: topic, partitions: 2 })
    await produce(topic, ['a', 'b', 'c', 'd'], 2)

    const one = await member(topic, groupId)
    const two = await member(topic, groupId)
    await eventually(() => {
      expect(one.consumer.generationId).toBe(two.consumer.generationId)
      expect(partitionsOf(one.consumer.assignments)).toHaveLength(1)
      expect([...partitionsOf(one.consumer.assignments), ...partitionsOf(two.consumer.assignments)].sort()).toEqual([0, 1])
      expect([...one.received, ...two.received].sort()).toEqual(['a', 'b', 'c', 'd'])
    })
    const committed = await eventually(async () => {
      const offsets = await one.consumer.listCommittedOffsets({ topics: [{ topic, partitions: [0, 1] }] })
      expect(offsets.get(topic)).toEqual([2n, 2n])
      return offsets
    })
    expect(committed.size).toBe(1)
    await one.leave()
    await two.leave()

    await produce(topic, ['e', 'f'], 2)
    const later = await member(topic, groupId)
    await eventually(() => expect([...later.received].sort()).toEqual(['e', 'f']))
  })
})
