/**
 * Transactions end to end with kafkajs over TCP: a transactional producer's commit and abort,
 * consume-transform-produce with sendOffsets (offsets count only once the transaction commits),
 * read_committed vs read_uncommitted consumers, and the coordinator as DescribeTransactions and
 * ListTransactions show it.
 */
import { Kafka, logLevel } from 'kafkajs'
import type { Admin, Consumer, Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { DescribeTransactions } from '../../src/protocol/generated/describe-transactions.js'
import { ListTransactions } from '../../src/protocol/generated/list-transactions.js'
import { startTestBroker } from '../helpers/broker.js'
import { eventually, uniqueName } from '../helpers/index.js'
import { RawClient } from '../helpers/raw-client.js'
import { storedLayout } from './stored.js'

let broker: Broker
let kafka: Kafka
let admin: Admin

beforeAll(async () => {
  broker = await startTestBroker({ config: { 'transaction.state.log.num.partitions': '4', 'offsets.topic.num.partitions': '4', 'group.initial.rebalance.delay.ms': '0' } })
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  admin = kafka.admin()
  await admin.connect()
})
afterAll(async () => {
  await admin?.disconnect()
  await broker?.close()
})

async function transactionalProducer(transactionalId: string): Promise<Producer> {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  onTestFinished(() => producer.disconnect())
  return producer
}

async function consumeAll(topic: string, readUncommitted: boolean, expected: number): Promise<string[]> {
  const received: string[] = []
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('reader'), readUncommitted, maxWaitTimeInMs: 100 })
  await consumer.connect()
  onTestFinished(() => consumer.disconnect())
  await consumer.subscribe({ topic, fromBeginning: true })
  await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) })
  await eventually(() => expect(received.length).toBeGreaterThanOrEqual(expected))
  return received
}

async function describeTxn(transactionalId: string) {
  const client = await RawClient.connect(broker.bootstrap)
  try {
    client.send(DescribeTransactions, 0, { transactionalIds: [transactionalId] })
    return (await client.receive(DescribeTransactions, 0)).body.transactionStates[0]!
  } finally {
    client.close()
  }
}

describe('kafkajs transactions', () => {
  it('commits one transaction and aborts the next: a marker on every partition; read_committed sees the committed records, read_uncommitted all', async () => {
    const topic = uniqueName('txn')
    await broker.cluster.createTopic({ name: topic, partitions: 2 })
    const transactionalId = uniqueName('tx')
    const producer = await transactionalProducer(transactionalId)

    const committed = await producer.transaction()
    await committed.send({ topic, messages: [{ value: 'c1', partition: 0 }, { value: 'c2', partition: 1 }, { value: 'c3', partition: 0 }] })
    await committed.commit()
    const aborted = await producer.transaction()
    await aborted.send({ topic, messages: [{ value: 'a1', partition: 0 }, { value: 'a2', partition: 1 }] })
    await aborted.abort()
    const after = await producer.transaction()
    await after.send({ topic, messages: [{ value: 'c4', partition: 1 }] })
    await after.commit()

    await eventually(async () => {
      expect(await storedLayout(broker, topic, 0)).toEqual(['c1@txn', 'c3@txn', 'COMMIT', 'a1@txn', 'ABORT'])
      expect(await storedLayout(broker, topic, 1)).toEqual(['c2@txn', 'COMMIT', 'a2@txn', 'ABORT', 'c4@txn', 'COMMIT'])
    })
    expect((await consumeAll(topic, false, 4)).sort()).toEqual(['c1', 'c2', 'c3', 'c4'])
    expect((await consumeAll(topic, true, 6)).sort()).toEqual(['a1', 'a2', 'c1', 'c2', 'c3', 'c4'])
    await eventually(async () => expect(await describeTxn(transactionalId)).toMatchObject({ errorCode: 0, transactionState: 'CompleteCommit', topics: [] }))
  })

  it('consume-transform-produce: offsets sent in a transaction count once it commits, not when it aborts', async () => {
    const input = uniqueName('in')
    const output = uniqueName('out')
    const groupId = uniqueName('ctp')
    await broker.cluster.createTopic({ name: input, partitions: 1 })
    await broker.cluster.createTopic({ name: output, partitions: 1 })
    const producer = await transactionalProducer(uniqueName('ctp-tx'))

    const aborted = await producer.transaction()
    await aborted.send({ topic: output, messages: [{ value: 'dropped' }] })
    await aborted.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '3' }] }] })
    await aborted.abort()
    await eventually(async () => expect(await admin.fetchOffsets({ groupId, topics: [input] })).toEqual([{ topic: input, partitions: [{ partition: 0, offset: '-1', metadata: null }] }]))

    const txn = await producer.transaction()
    await txn.send({ topic: output, messages: [{ value: 'transformed' }] })
    await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '5' }] }] })
    await txn.commit()
    await eventually(async () => expect(await admin.fetchOffsets({ groupId, topics: [input] })).toEqual([{ topic: input, partitions: [{ partition: 0, offset: '5', metadata: null }] }]))
    await eventually(async () => expect(await storedLayout(broker, output, 0)).toEqual(['dropped@txn', 'ABORT', 'transformed@txn', 'COMMIT']))
  })

  it('consume-transform-produce: a consumer group member processes each batch in a transaction with its offsets', async () => {
    const input = uniqueName('ctp-in')
    const output = uniqueName('ctp-out')
    const groupId = uniqueName('ctp-group')
    await broker.cluster.createTopic({ name: input, partitions: 1 })
    await broker.cluster.createTopic({ name: output, partitions: 1 })
    const source = kafka.producer()
    await source.connect()
    onTestFinished(() => source.disconnect())
    await source.send({ topic: input, messages: ['a', 'b', 'c', 'd', 'e'].map((value) => ({ value })) })

    const producer = await transactionalProducer(uniqueName('ctp-tx'))
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 })
    await consumer.connect()
    onTestFinished(() => consumer.disconnect())
    await consumer.subscribe({ topic: input, fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const txn = await producer.transaction()
        await txn.send({ topic: output, messages: batch.messages.map((m) => ({ value: m.value!.toString().toUpperCase() })) })
        const next = (BigInt(batch.lastOffset()) + 1n).toString()
        await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: batch.partition, offset: next }] }] })
        await txn.commit()
      },
    })
    await eventually(async () => expect(await admin.fetchOffsets({ groupId, topics: [input] })).toEqual([{ topic: input, partitions: [{ partition: 0, offset: '5', metadata: null }] }]))
    const out = (await storedLayout(broker, output, 0)).filter((v) => v !== 'COMMIT')
    expect(out).toEqual(['A@txn', 'B@txn', 'C@txn', 'D@txn', 'E@txn'])
  })

  it('ListTransactions shows the transactional ids by state and producer', async () => {
    const transactionalId = uniqueName('listed')
    const producer = await transactionalProducer(transactionalId)
    const topic = uniqueName('listed')
    await broker.cluster.createTopic({ name: topic, partitions: 1 })
    const txn = await producer.transaction()
    await txn.send({ topic, messages: [{ value: 'open' }] })
    const described = await describeTxn(transactionalId)
    expect(described).toMatchObject({ errorCode: ErrorCode.NONE, transactionState: 'Ongoing', topics: [{ topic, partitions: [0] }] })
    const client = await RawClient.connect(broker.bootstrap)
    onTestFinished(() => client.close())
    client.send(ListTransactions, 1, { stateFilters: ['Ongoing'], producerIdFilters: [described.producerId], durationFilter: -1n })
    const listed = (await client.receive(ListTransactions, 1)).body
    expect(listed.transactionStates).toEqual([{ transactionalId, producerId: described.producerId, transactionState: 'Ongoing' }])
    await txn.abort()
  })
})
