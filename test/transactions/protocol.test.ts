/**
 * The transaction APIs over the wire with exact requests: Kafka's codes for bad input, old
 * versions' error mapping, AddPartitionsToTxn v4 batches with verify-only entries, and
 * transactional produce checked against the transaction (KIP-890 part 1). A rejected request
 * appends nothing and leaves the coordinator's state as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { AddOffsetsToTxn } from '../../src/protocol/generated/add-offsets-to-txn.js'
import { AddPartitionsToTxn } from '../../src/protocol/generated/add-partitions-to-txn.js'
import type { AddPartitionsToTxnRequest } from '../../src/protocol/generated/add-partitions-to-txn.js'
import type { ApiCodec } from '../../src/protocol/generated/api-keys.js'
import { DescribeTransactions } from '../../src/protocol/generated/describe-transactions.js'
import { EndTxn } from '../../src/protocol/generated/end-txn.js'
import { FindCoordinator } from '../../src/protocol/generated/find-coordinator.js'
import { InitProducerId } from '../../src/protocol/generated/init-producer-id.js'
import { Produce } from '../../src/protocol/generated/produce.js'
import { TxnOffsetCommit } from '../../src/protocol/generated/txn-offset-commit.js'
import { buildBatch } from '../../src/protocol/records/batch-builder.js'
import { startTestBroker } from '../helpers/broker.js'
import { uniqueName } from '../helpers/index.js'
import { RawClient } from '../helpers/raw-client.js'

let broker: Broker
let topic: string
beforeAll(async () => {
  broker = await startTestBroker({ config: { 'transaction.state.log.num.partitions': '3', 'offsets.topic.num.partitions': '3', 'transaction.max.timeout.ms': '60000' } })
  topic = uniqueName('txn-proto')
  await broker.cluster.createTopic({ name: topic, partitions: 2 })
})
afterAll(async () => {
  await broker?.close()
})

async function call<Req, Res>(api: ApiCodec<Req, Res>, version: number, req: Req): Promise<Res> {
  const client = await RawClient.connect(broker.bootstrap)
  try {
    client.send(api, version, req)
    return (await client.receive(api, version)).body
  } finally {
    client.close()
  }
}

async function initTxn(transactionalId: string) {
  const res = await call(InitProducerId, 4, { transactionalId, transactionTimeoutMs: 30_000, producerId: -1n, producerEpoch: -1 })
  expect(res.errorCode).toBe(ErrorCode.NONE)
  return res
}

const v3Add = (transactionalId: string, producerId: bigint, producerEpoch: number, topics: { name: string; partitions: number[] }[]): AddPartitionsToTxnRequest => ({
  transactions: [],
  v3AndBelowTransactionalId: transactionalId,
  v3AndBelowProducerId: producerId,
  v3AndBelowProducerEpoch: producerEpoch,
  v3AndBelowTopics: topics,
})

const codes = (res: { resultsByTopicV3AndBelow: { name: string; resultsByPartition: { partitionIndex: number; partitionErrorCode: number }[] }[] }) =>
  res.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((p) => [t.name, p.partitionIndex, p.partitionErrorCode]))

const describeTxn = async (transactionalId: string) => (await call(DescribeTransactions, 0, { transactionalIds: [transactionalId] })).transactionStates[0]!

describe('transaction APIs over the wire', () => {
  it('FindCoordinator names this node for transactional ids; InitProducerId refuses bad ids and timeouts', async () => {
    const found = await call(FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: ['a', 'b'] })
    expect(found.coordinators.map((c) => [c.key, c.errorCode, c.nodeId, c.port])).toEqual([['a', 0, 1, broker.listeners[0]!.port], ['b', 0, 1, broker.listeners[0]!.port]])
    const init = (transactionalId: string, transactionTimeoutMs: number) => call(InitProducerId, 4, { transactionalId, transactionTimeoutMs, producerId: -1n, producerEpoch: -1 })
    expect((await init('', 1000)).errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect((await init(uniqueName('t'), 60_001)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    expect((await init(uniqueName('t'), -5)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    // KIP-360 with a producer id that is not this transactional id's: fenced, named for the version.
    const id = uniqueName('t')
    const { producerId } = await initTxn(id)
    const stale = (version: number) => call(InitProducerId, version, { transactionalId: id, transactionTimeoutMs: 1000, producerId: producerId + 100n, producerEpoch: 0 })
    expect(await stale(3)).toMatchObject({ errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, producerId: -1n, producerEpoch: -1 })
    expect((await stale(4)).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
  })

  it('AddPartitionsToTxn with an unknown topic adds nothing: UNKNOWN_TOPIC_OR_PARTITION and OPERATION_NOT_ATTEMPTED', async () => {
    const id = uniqueName('t')
    const { producerId, producerEpoch } = await initTxn(id)
    const res = await call(AddPartitionsToTxn, 3, v3Add(id, producerId, producerEpoch, [{ name: topic, partitions: [0, 5] }, { name: 'nope', partitions: [0] }]))
    expect(codes(res)).toEqual([[topic, 0, ErrorCode.OPERATION_NOT_ATTEMPTED], [topic, 5, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], ['nope', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]])
    expect(await describeTxn(id)).toMatchObject({ transactionState: 'Empty', topics: [] })
  })

  it('refuses calls before InitProducerId and with a stale epoch (INVALID_PRODUCER_EPOCH before v2, PRODUCER_FENCED after)', async () => {
    const id = uniqueName('t')
    expect(codes(await call(AddPartitionsToTxn, 3, v3Add(id, 1n, 0, [{ name: topic, partitions: [0] }])))).toEqual([[topic, 0, ErrorCode.INVALID_PRODUCER_ID_MAPPING]])
    expect((await call(EndTxn, 3, { transactionalId: id, producerId: 1n, producerEpoch: 0, committed: true })).errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    const { producerId } = await initTxn(id)
    await initTxn(id)
    expect(codes(await call(AddPartitionsToTxn, 1, v3Add(id, producerId, 0, [{ name: topic, partitions: [0] }])))).toEqual([[topic, 0, ErrorCode.INVALID_PRODUCER_EPOCH]])
    expect(codes(await call(AddPartitionsToTxn, 2, v3Add(id, producerId, 0, [{ name: topic, partitions: [0] }])))).toEqual([[topic, 0, ErrorCode.PRODUCER_FENCED]])
    expect((await call(AddOffsetsToTxn, 1, { transactionalId: id, producerId, producerEpoch: 0, groupId: 'g' })).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect((await call(EndTxn, 2, { transactionalId: id, producerId, producerEpoch: 0, committed: true })).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
    // EndTxn with no transaction under way.
    expect((await call(EndTxn, 3, { transactionalId: id, producerId, producerEpoch: 1, committed: true })).errorCode).toBe(ErrorCode.INVALID_TXN_STATE)
    expect(await describeTxn(id)).toMatchObject({ transactionState: 'Empty', producerEpoch: 1 })
  })

  it('AddPartitionsToTxn v4 answers each transactional id, and verify-only entries add nothing', async () => {
    const a = uniqueName('t')
    const b = uniqueName('t')
    const ia = await initTxn(a)
    const ib = await initTxn(b)
    const res = await call(AddPartitionsToTxn, 4, {
      transactions: [
        { transactionalId: a, producerId: ia.producerId, producerEpoch: ia.producerEpoch, verifyOnly: false, topics: [{ name: topic, partitions: [0] }] },
        { transactionalId: b, producerId: ib.producerId, producerEpoch: ib.producerEpoch, verifyOnly: true, topics: [{ name: topic, partitions: [1] }] },
      ],
      v3AndBelowTransactionalId: '', v3AndBelowProducerId: 0n, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [],
    })
    expect(res.errorCode).toBe(ErrorCode.NONE)
    expect(res.resultsByTransaction.map((t) => [t.transactionalId, t.topicResults[0]!.resultsByPartition[0]!.partitionErrorCode])).toEqual([[a, ErrorCode.NONE], [b, ErrorCode.TRANSACTION_ABORTABLE]])
    expect((await describeTxn(a)).topics).toEqual([{ topic, partitions: [0] }])
    expect(await describeTxn(b)).toMatchObject({ transactionState: 'Empty', topics: [] })
  })

  it('transactional produce reaches only partitions added to the transaction (KIP-890 part 1)', async () => {
    const id = uniqueName('t')
    const { producerId, producerEpoch } = await initTxn(id)
    await call(AddPartitionsToTxn, 3, v3Add(id, producerId, producerEpoch, [{ name: topic, partitions: [0] }]))
    const batch = buildBatch([{ timestamp: Date.now(), key: null, value: Buffer.from('x') }], { transactional: true, producerId: Number(producerId), producerEpoch, baseSequence: 0 })
    const produce = (partition: number) =>
      call(Produce, 9, { transactionalId: id, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }] })
    const endBefore = broker.replicas.partition(topic, 1)!.logEndOffset
    const refused = (await produce(1)).responses[0]!.partitionResponses[0]!
    expect(refused.errorCode).toBe(ErrorCode.INVALID_TXN_STATE)
    expect(broker.replicas.partition(topic, 1)!.logEndOffset).toBe(endBefore)
    expect((await produce(0)).responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NONE)
  })

  it('TxnOffsetCommit answers unknown partitions, empty group ids, groups outside the transaction and unknown members', async () => {
    const id = uniqueName('t')
    const { producerId, producerEpoch } = await initTxn(id)
    const commit = (groupId: string, memberId: string, partition: number) =>
      call(TxnOffsetCommit, 3, {
        transactionalId: id, groupId, producerId, producerEpoch, generationId: -1, memberId, groupInstanceId: null,
        topics: [{ name: topic, partitions: [{ partitionIndex: partition, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
      })
    const code = (res: Awaited<ReturnType<typeof commit>>) => res.topics[0]!.partitions[0]!.errorCode
    expect(code(await commit('g', '', 9))).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(code(await commit('', '', 0))).toBe(ErrorCode.INVALID_GROUP_ID)
    // Without AddOffsetsToTxn the group's partition is not in the transaction (KIP-890): nothing is written.
    const groupId = uniqueName('g')
    expect(code(await commit(groupId, '', 0))).toBe(ErrorCode.INVALID_TXN_STATE)
    expect((await call(AddOffsetsToTxn, 3, { transactionalId: id, producerId, producerEpoch, groupId })).errorCode).toBe(ErrorCode.NONE)
    expect(code(await commit(groupId, 'stranger', 0))).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(code(await commit(groupId, '', 0))).toBe(ErrorCode.NONE)
  })

  it("TxnOffsetCommit maps the verification's codes by version, as Kafka's AddPartitionsToTxnManager", async () => {
    const id = uniqueName('t')
    const { producerId } = await initTxn(id)
    const groupId = uniqueName('g')
    const offsetsEnd = () => broker.replicas.partition('__consumer_offsets', broker.groups.coordinator.partitionFor(groupId))?.logEndOffset ?? 0
    const endBefore = offsetsEnd()
    const commit = async (version: number, producerEpoch: number) =>
      (await call(TxnOffsetCommit, version, {
        transactionalId: id, groupId, producerId, producerEpoch, generationId: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
      })).topics[0]!.partitions[0]!.errorCode
    // The group's partition is not in the transaction: v4 clients know TRANSACTION_ABORTABLE, older ones get INVALID_TXN_STATE.
    expect(await commit(4, 0)).toBe(ErrorCode.TRANSACTION_ABORTABLE)
    expect(await commit(3, 0)).toBe(ErrorCode.INVALID_TXN_STATE)
    expect(await commit(0, 0)).toBe(ErrorCode.INVALID_TXN_STATE)
    // A fenced producer (the coordinator says PRODUCER_FENCED) is INVALID_PRODUCER_EPOCH at every version.
    await initTxn(id)
    for (const version of [0, 2, 3, 4]) expect(await commit(version, 0)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(offsetsEnd()).toBe(endBefore)
  })
})
