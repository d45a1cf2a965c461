/**
 * Group administration through kafkajs's admin client over TCP: list, describe, fetch and set
 * offsets, reset them, delete groups; and __consumer_offsets as Metadata shows it.
 */
import { Kafka, logLevel } from 'kafkajs'
import type { Admin } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Metadata } from '../src/protocol/generated/metadata.js'
import { ZERO_UUID } from '../src/protocol/primitives/uuid.js'
import { startBroker } from '../src/index.js'
import type { BrokerHandle } from '../src/index.js'
import { eventually, uniqueName } from './helpers/index.js'
import { RawClient } from './helpers/raw-client.js'

let broker: BrokerHandle
let kafka: Kafka
let admin: Admin

beforeAll(async () => {
  broker = await startBroker()
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  admin = kafka.admin()
  await admin.connect()
})
afterAll(async () => {
  await admin?.disconnect()
  await broker?.close()
})

/** A topic with `perPartition` records in each of its partitions. */
async function filledTopic(partitions: number, perPartition: number): Promise<string> {
  const topic = uniqueName('admin-groups')
  await broker.cluster.createTopic({ name: topic, partitions })
  const producer = kafka.producer()
  await producer.connect()
  const messages = Array.from({ length: partitions * perPartition }, (_, i) => ({ partition: i % partitions, value: `v${i}` }))
  await producer.send({ topic, messages })
  await producer.disconnect()
  return topic
}

const offsetsOf = async (groupId: string, topic: string) =>
  (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => [p.partition, p.offset]).sort((a, b) => Number(a[0]) - Number(b[0]))

describe('group administration through kafkajs', () => {
  it('lists and describes a running group, refuses to delete it, then sets, resets and deletes its offsets', async () => {
    const topic = await filledTopic(2, 3)
    const groupId = uniqueName('g')
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 })
    onTestFinished(() => consumer.disconnect())
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    let received = 0
    await consumer.run({ eachMessage: async () => void received++ })
    await eventually(async () => {
      expect(received).toBe(6)
      expect(await offsetsOf(groupId, topic)).toEqual([[0, '3'], [1, '3']])
    })

    const { groups: listed } = await admin.listGroups()
    expect(listed).toContainEqual({ groupId, protocolType: 'consumer' })
    const { groups: [described] } = await admin.describeGroups([groupId])
    expect(described).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner', errorCode: 0 })
    expect(described!.members).toHaveLength(1)
    expect(described!.members[0]).toMatchObject({ clientId: 'kafkajs', clientHost: '/127.0.0.1' })

    // A group with members cannot be deleted, nor its offsets moved.
    await expect(admin.deleteGroups([groupId])).rejects.toMatchObject({ groups: [{ groupId, errorCode: 68 }] })
    await expect(admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] })).rejects.toThrow()

    await consumer.disconnect()
    await eventually(async () => expect((await admin.describeGroups([groupId])).groups[0]!.state).toBe('Empty'))
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] })
    expect(await offsetsOf(groupId, topic)).toEqual([[0, '1'], [1, '3']])
    // kafkajs commits Kafka's sentinel (-2 earliest) and the broker keeps it as it is. Each of
    // these calls runs a kafkajs consumer that waits out one empty fetch (5 s) before it commits.
    await admin.resetOffsets({ groupId, topic, earliest: true })
    expect(await offsetsOf(groupId, topic)).toEqual([[0, '-2'], [1, '-2']])

    expect(await admin.deleteGroups([groupId])).toEqual([{ groupId, errorCode: 0 }])
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId)
    expect(await offsetsOf(groupId, topic)).toEqual([[0, '-1'], [1, '-1']])
    const { groups: [gone] } = await admin.describeGroups([groupId])
    expect(gone).toMatchObject({ groupId, state: 'Dead', members: [] })
  })

  it('a group that never existed: offsets -1, described as Dead, deleting it fails with GROUP_ID_NOT_FOUND', async () => {
    const topic = await filledTopic(1, 1)
    const groupId = uniqueName('never')
    expect(await offsetsOf(groupId, topic)).toEqual([[0, '-1']])
    expect((await admin.describeGroups([groupId])).groups[0]).toMatchObject({ state: 'Dead', members: [] })
    await expect(admin.deleteGroups([groupId])).rejects.toMatchObject({ groups: [{ groupId, errorCode: 69 }] })
  })

  it('shows __consumer_offsets in Metadata as an internal topic once groups are in use', async () => {
    const client = await RawClient.connect(broker.bootstrap)
    onTestFinished(() => client.close())
    const req = { topics: [{ topicId: ZERO_UUID, name: '__consumer_offsets' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }
    client.send(Metadata, 12, req)
    const { body } = await client.receive(Metadata, 12)
    expect(body.topics).toHaveLength(1)
    expect(body.topics[0]).toMatchObject({ name: '__consumer_offsets', errorCode: 0, isInternal: true })
    expect(body.topics[0]!.partitions).toHaveLength(50)
  })
})
