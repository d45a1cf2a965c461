/**
 * Transactions across a broker restart on the same data dir: an open transaction (with offsets
 * sent to it) is still Ongoing after the restart, holding the last stable offset back, its offsets
 * still pending (require_stable: UNSTABLE_OFFSET_COMMIT), and a new producer with its
 * transactional id aborts it; a committed
 * transaction stays committed, with its group offsets replayed from __consumer_offsets; a
 * transaction whose markers had not been written when the broker stopped is completed at start-up.
 */
import { Kafka, logLevel } from 'kafkajs'
import type { Producer } from 'kafkajs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { DescribeTransactions } from '../../src/protocol/generated/describe-transactions.js'
import { ListOffsets } from '../../src/protocol/generated/list-offsets.js'
import { OffsetFetch } from '../../src/protocol/generated/offset-fetch.js'
import { startTestBroker } from '../helpers/broker.js'
import { eventually, tempDir, uniqueName } from '../helpers/index.js'
import { RawClient } from '../helpers/raw-client.js'
import { storedLayout } from './stored.js'

const CONFIG = { 'transaction.state.log.num.partitions': '2', 'offsets.topic.num.partitions': '2' }
const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close()
})

async function start(dir: string): Promise<Broker> {
  const broker = await startTestBroker({ config: { ...CONFIG, 'log.dirs': dir } })
  open.push(broker)
  return broker
}

async function producer(broker: Broker, transactionalId: string): Promise<Producer> {
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  const p = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 })
  await p.connect()
  open.push({ close: () => p.disconnect() })
  return p
}

async function rawCall<Res>(broker: Broker, call: (c: RawClient) => Promise<Res>): Promise<Res> {
  const client = await RawClient.connect(broker.bootstrap)
  try {
    return await call(client)
  } finally {
    client.close()
  }
}

const describeTxn = (broker: Broker, transactionalId: string) =>
  rawCall(broker, async (c) => {
    c.send(DescribeTransactions, 0, { transactionalIds: [transactionalId] })
    return (await c.receive(DescribeTransactions, 0)).body.transactionStates[0]!
  })

/** OffsetFetch v7 with require_stable for one partition. */
const fetchStable = (broker: Broker, groupId: string, topic: string) =>
  rawCall(broker, async (c) => {
    c.send(OffsetFetch, 7, { groupId, topics: [{ name: topic, partitionIndexes: [0] }], groups: [], requireStable: true })
    return (await c.receive(OffsetFetch, 7)).body.topics[0]!.partitions[0]!
  })

/** The latest offset a consumer may read of partition 0: the high watermark, or with read_committed the last stable offset. */
const latest = (broker: Broker, topic: string, readCommitted: boolean) =>
  rawCall(broker, async (c) => {
    const partitions = [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }]
    c.send(ListOffsets, 5, { replicaId: -1, isolationLevel: readCommitted ? 1 : 0, topics: [{ name: topic, partitions }] })
    return (await c.receive(ListOffsets, 5)).body.topics[0]!.partitions[0]!.offset
  })

describe('transactions across a restart', () => {
  it('an open transaction is still Ongoing after a restart, its offsets pending, until a new producer aborts it', async () => {
    const dir = tempDir()
    const first = await start(dir)
    const topic = uniqueName('restart-open')
    const input = uniqueName('restart-in')
    const groupId = uniqueName('restart-g')
    const transactionalId = uniqueName('restart-tx')
    await first.cluster.createTopic({ name: topic, partitions: 1 })
    await first.cluster.createTopic({ name: input, partitions: 1 })
    const p = await producer(first, transactionalId)
    const txn = await p.transaction()
    await txn.send({ topic, messages: [{ value: 'open' }] })
    await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '7' }] }] })
    expect(await fetchStable(first, groupId, input)).toMatchObject({ errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT })
    expect([await latest(first, topic, false), await latest(first, topic, true)]).toEqual([1n, 0n])
    const before = await describeTxn(first, transactionalId)
    for (const o of open.splice(0).reverse()) await o.close()

    const second = await start(dir)
    await eventually(async () => expect(await describeTxn(second, transactionalId)).toMatchObject({ errorCode: 0, transactionState: 'Ongoing', producerId: before.producerId, producerEpoch: before.producerEpoch }))
    await eventually(async () => expect(await fetchStable(second, groupId, input)).toMatchObject({ errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT }))
    // The open transaction still holds the last stable offset back after recovery.
    expect([await latest(second, topic, false), await latest(second, topic, true)]).toEqual([1n, 0n])

    // kafkajs retries CONCURRENT_TRANSACTIONS while the coordinator aborts the open transaction.
    const next = await producer(second, transactionalId)
    const done = await next.transaction()
    await done.send({ topic, messages: [{ value: 'after' }] })
    await done.commit()
    await eventually(async () => expect(await storedLayout(second, topic, 0)).toEqual(['open@txn', 'ABORT', 'after@txn', 'COMMIT']))
    expect([await latest(second, topic, false), await latest(second, topic, true)]).toEqual([4n, 4n])
    expect(await describeTxn(second, transactionalId)).toMatchObject({ producerId: before.producerId, producerEpoch: before.producerEpoch + 2 })
    await eventually(async () => expect(await fetchStable(second, groupId, input)).toMatchObject({ errorCode: ErrorCode.NONE, committedOffset: -1n }))
  })

  it('a committed transaction and its offsets survive a restart', async () => {
    const dir = tempDir()
    const first = await start(dir)
    const topic = uniqueName('restart-done')
    const input = uniqueName('restart-in')
    const groupId = uniqueName('restart-g')
    const transactionalId = uniqueName('restart-tx')
    await first.cluster.createTopic({ name: topic, partitions: 1 })
    await first.cluster.createTopic({ name: input, partitions: 1 })
    const p = await producer(first, transactionalId)
    const txn = await p.transaction()
    await txn.send({ topic, messages: [{ value: 'kept' }] })
    await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '9' }] }] })
    await txn.commit()
    await eventually(async () => expect(await describeTxn(first, transactionalId)).toMatchObject({ transactionState: 'CompleteCommit' }))
    for (const o of open.splice(0).reverse()) await o.close()

    const second = await start(dir)
    await eventually(async () => expect(await describeTxn(second, transactionalId)).toMatchObject({ errorCode: 0, transactionState: 'CompleteCommit', topics: [] }))
    await eventually(async () => expect(await fetchStable(second, groupId, input)).toMatchObject({ errorCode: ErrorCode.NONE, committedOffset: 9n }))
    expect(await storedLayout(second, topic, 0)).toEqual(['kept@txn', 'COMMIT'])
    expect([await latest(second, topic, false), await latest(second, topic, true)]).toEqual([2n, 2n])
    // The next producer of the id continues from the stored epoch.
    const next = await producer(second, transactionalId)
    const again = await next.transaction()
    await again.send({ topic, messages: [{ value: 'more' }] })
    await again.commit()
    await eventually(async () => expect(await storedLayout(second, topic, 0)).toEqual(['kept@txn', 'COMMIT', 'more@txn', 'COMMIT']))
  })

  it('a commit whose markers were not written before the broker stopped is completed at start-up', async () => {
    const dir = tempDir()
    const first = await start(dir)
    const topic = uniqueName('restart-prepared')
    const transactionalId = uniqueName('restart-tx')
    await first.cluster.createTopic({ name: topic, partitions: 2 })
    // The markers never land on this broker: the commit stays PrepareCommit, as after a crash.
    first.replicas.writeTxnMarker = () => new Promise<number>(() => {})
    const p = await producer(first, transactionalId)
    const txn = await p.transaction()
    await txn.send({ topic, messages: [{ value: 'p0', partition: 0 }, { value: 'p1', partition: 1 }] })
    await txn.commit()
    expect(await describeTxn(first, transactionalId)).toMatchObject({ transactionState: 'PrepareCommit', topics: [{ topic, partitions: [0, 1] }] })
    expect(await storedLayout(first, topic, 0)).toEqual(['p0@txn'])
    expect(await latest(first, topic, true)).toBe(0n)
    for (const o of open.splice(0).reverse()) await o.close()

    const second = await start(dir)
    await eventually(async () => expect(await describeTxn(second, transactionalId)).toMatchObject({ transactionState: 'CompleteCommit', topics: [] }))
    expect(await storedLayout(second, topic, 0)).toEqual(['p0@txn', 'COMMIT'])
    expect(await storedLayout(second, topic, 1)).toEqual(['p1@txn', 'COMMIT'])
    expect(await latest(second, topic, true)).toBe(2n)
  })
})
