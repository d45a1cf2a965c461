/**
 * Consumer groups end to end with kafkajs over TCP: members share a topic's partitions, take
 * over those of a member that leaves or dies, and resume from committed offsets after a broker
 * restart.
 */
import { Kafka, logLevel } from 'kafkajs'
import type { Admin } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startBroker } from '../src/index.js'
import type { BrokerHandle } from '../src/index.js'
import { eventually, tempDir, uniqueName } from './helpers/index.js'
import { childMember, describeGroup, joinMember, stableAssignment } from './helpers/kafkajs-groups.js'
import type { GroupMember } from './helpers/kafkajs-groups.js'

/** Sessions short enough that a dead member is noticed within the test's patience. */
const SESSION_MS = 2_000
// kafkajs heartbeats between fetches, so a long poll must end well within the session.
const GROUP_CONFIG = { sessionTimeout: SESSION_MS, heartbeatInterval: 200, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100 }

let broker: BrokerHandle
let kafka: Kafka
let admin: Admin

beforeAll(async () => {
  broker = await startBroker({ config: { 'group.min.session.timeout.ms': 1_000 } })
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  admin = kafka.admin()
  await admin.connect()
})
afterAll(async () => {
  await admin?.disconnect()
  await broker?.close()
})

async function members(topic: string, groupId: string, n: number): Promise<GroupMember[]> {
  const joined: GroupMember[] = []
  for (let i = 0; i < n; i++) {
    const m = await joinMember(kafka, topic, { groupId, ...GROUP_CONFIG })
    onTestFinished(() => m.consumer.disconnect())
    joined.push(m)
  }
  return joined
}

/** Each in-process member's latest join agrees with what the coordinator relayed to it. */
function expectMembersHold(joined: readonly GroupMember[], assignments: Map<string, number[]>): void {
  for (const m of joined) expect(assignments.get(m.latest!.memberId)).toEqual(m.latest!.partitions)
}

describe('kafkajs consumer groups', () => {
  it('three members split six partitions; when one leaves the other two take its partitions', async () => {
    const topic = uniqueName('groups')
    const groupId = uniqueName('g')
    await broker.cluster.createTopic({ name: topic, partitions: 6 })
    const joined = await members(topic, groupId, 3)
    const three = await stableAssignment(admin, groupId, topic, 3, 6)
    await eventually(() => expectMembersHold(joined, three))
    expect([...three.values()].map((p) => p.length)).toEqual([2, 2, 2])

    const [leaving, ...staying] = joined as [GroupMember, ...GroupMember[]]
    await leaving.consumer.disconnect()
    const two = await stableAssignment(admin, groupId, topic, 2, 6)
    expect(two.has(leaving.latest!.memberId)).toBe(false)
    await eventually(() => expectMembersHold(staying, two))
  })

  it('moves the partitions of a member killed without LeaveGroup after its session times out', async () => {
    const topic = uniqueName('groups')
    const groupId = uniqueName('g')
    await broker.cluster.createTopic({ name: topic, partitions: 6 })
    const joined = await members(topic, groupId, 2)
    const doomed = childMember(broker.bootstrap, topic, groupId, SESSION_MS)
    onTestFinished(() => void doomed.child.kill('SIGKILL'))
    const three = await stableAssignment(admin, groupId, topic, 3, 6)
    const childId = await eventually(() => {
      const id = doomed.memberIds.at(-1)
      expect(three.has(id!)).toBe(true)
      return id!
    })

    doomed.child.kill('SIGKILL')
    const killedAt = Date.now()
    const two = await stableAssignment(admin, groupId, topic, 2, 6)
    // Nobody told the coordinator: only the session timeout can have removed the member.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(SESSION_MS - 500)
    expect(two.has(childId)).toBe(false)
    await eventually(() => expectMembersHold(joined, two))
  })

  it('resumes from the committed offset after the broker restarts on the same data dir', async () => {
    const dataDir = tempDir()
    const topic = uniqueName('resume')
    const groupId = uniqueName('g')
    let first: BrokerHandle | undefined = await startBroker({ config: { 'log.dirs': dataDir } })
    onTestFinished(() => first?.close())
    await first.cluster.createTopic({ name: topic, partitions: 1 })
    const k1 = new Kafka({ brokers: [first.bootstrap], logLevel: logLevel.NOTHING })
    const producer = k1.producer()
    await producer.connect()
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) })
    await producer.disconnect()

    const consumer = k1.consumer({ groupId, maxWaitTimeInMs: 100 })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const seen: string[] = []
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => void seen.push(message.value!.toString()),
    })
    await eventually(() => expect(seen).toHaveLength(10))
    await consumer.commitOffsets([{ topic, partition: 0, offset: '6' }])
    await consumer.disconnect()
    await first.close()
    first = undefined

    const second = await startBroker({ config: { 'log.dirs': dataDir } })
    onTestFinished(() => second.close())
    const k2 = new Kafka({ brokers: [second.bootstrap], logLevel: logLevel.NOTHING })
    const admin2 = k2.admin()
    await admin2.connect()
    onTestFinished(() => admin2.disconnect())
    // The group and its offset come back from __consumer_offsets.
    const offsets = await eventually(() => admin2.fetchOffsets({ groupId, topics: [topic] }))
    expect(offsets[0]!.partitions).toEqual([{ partition: 0, offset: '6', metadata: null }])
    expect((await describeGroup(admin2, groupId, topic)).state).toBe('Empty')

    const resumed = k2.consumer({ groupId, maxWaitTimeInMs: 100 })
    onTestFinished(() => resumed.disconnect())
    await resumed.connect()
    await resumed.subscribe({ topic, fromBeginning: true })
    const after: string[] = []
    await resumed.run({ eachMessage: async ({ message }) => void after.push(message.value!.toString()) })
    await eventually(() => expect(after).toEqual(['m6', 'm7', 'm8', 'm9']))
  })
})
