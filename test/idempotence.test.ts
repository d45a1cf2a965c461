// Idempotent producers and the partition side of transactions, over the wire: Kafka's sequence
// checks and duplicate answers for raw batches, read_committed fetches stopping at the last
// stable offset with the aborted transactions, ListOffsets read_committed, DescribeProducers,
// and kafkajs / @platformatic/kafka idempotent producers.
import { Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka'
import { Kafka, logLevel } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { DescribeProducers } from '../src/protocol/generated/describe-producers.js'
import { Fetch } from '../src/protocol/generated/fetch.js'
import { ListOffsets } from '../src/protocol/generated/list-offsets.js'
import { Produce } from '../src/protocol/generated/produce.js'
import type { ProduceResponse } from '../src/protocol/generated/produce.js'
import { buildBatch } from '../src/protocol/records/batch-builder.js'
import type { BatchOptions } from '../src/protocol/records/batch-builder.js'
import { decodeFetched, fetchRequest } from './helpers/fetch.js'
import { eventually, uniqueName } from './helpers/index.js'
import { readPartitionText } from './helpers/partition-records.js'
import { brokerWithRawClient } from './helpers/raw-broker.js'
import { RawClient } from './helpers/raw-client.js'

const env = brokerWithRawClient()

async function topic(prefix: string): Promise<string> {
  const name = uniqueName(prefix)
  await env.broker.cluster.createTopic({ name, partitions: 1 })
  return name
}

function batch(values: string[], opts: BatchOptions): Buffer {
  return buildBatch(values.map((v) => ({ timestamp: Date.now(), value: Buffer.from(v) })), opts)
}

async function produce(name: string, records: Buffer): Promise<ProduceResponse['responses'][number]['partitionResponses'][number]> {
  env.client.send(Produce, 11, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name, partitionData: [{ index: 0, records }] }] })
  return (await env.client.receive(Produce, 11)).body.responses[0]!.partitionResponses[0]!
}

const values = async (name: string) => (await readPartitionText(env.broker, name, 0)).map((r) => r.value)
const idem = (values: string[], seq: number, epoch = 0, producerId = 1000) => batch(values, { producerId, producerEpoch: epoch, baseSequence: seq })

describe('idempotent produce (raw batches)', () => {
  it('answers a retried batch with its original offset and appends it once', async () => {
    const name = await topic('idem-dup')
    expect(await produce(name, idem(['a', 'b'], 0))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0n })
    expect(await produce(name, idem(['c'], 2))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 2n })
    expect(await produce(name, idem(['a', 'b'], 0))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0n })
    expect(await produce(name, idem(['c'], 2))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 2n })
    expect(await values(name)).toEqual(['a', 'b', 'c'])
  })

  it('refuses a sequence gap, a stale epoch and a new epoch not starting at 0, appending nothing', async () => {
    const name = await topic('idem-bad')
    await produce(name, idem(['a'], 0, 3))
    const gap = await produce(name, idem(['x'], 5, 3))
    expect(gap).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1n, logStartOffset: 0n })
    expect(await produce(name, idem(['x'], 1, 2))).toMatchObject({ errorCode: ErrorCode.INVALID_PRODUCER_EPOCH })
    expect(await produce(name, idem(['x'], 1, 4))).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER })
    expect(await produce(name, idem(['b'], 0, 4))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 1n })
    expect(await values(name)).toEqual(['a', 'b'])
  })

  it('lists the producers of a partition with DescribeProducers', async () => {
    const name = await topic('idem-describe')
    await produce(name, idem(['a', 'b', 'c'], 10, 2, 77))
    env.client.send(DescribeProducers, 0, { topics: [{ name, partitionIndexes: [0, 5] }, { name: uniqueName('nope'), partitionIndexes: [0] }] })
    const res = (await env.client.receive(DescribeProducers, 0)).body
    expect(res.topics[0]!.partitions[0]).toMatchObject({
      partitionIndex: 0,
      errorCode: ErrorCode.NONE,
      activeProducers: [{ producerId: 77n, producerEpoch: 2, lastSequence: 12, coordinatorEpoch: -1, currentTxnStartOffset: -1n }],
    })
    expect(res.topics[0]!.partitions[1]).toMatchObject({ partitionIndex: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })
    expect(res.topics[1]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })
})

describe('transactions on a partition', () => {
  it('read_committed stops at the last stable offset and lists the aborted transactions; ListOffsets agrees', async () => {
    const name = await topic('txn-lso')
    const log = env.broker.replicas.partition(name, 0)!
    const txn = (producerId: number, v: string) => batch([v], { producerId, producerEpoch: 0, baseSequence: 0, transactional: true })
    // The partition's side only: transactional batches appended as Produce would after verification.
    await log.append(txn(501, 'aborted'), { origin: 'client', leaderEpoch: 0 }) // 0
    await log.append(txn(502, 'open'), { origin: 'client', leaderEpoch: 0 }) // 1
    expect(await env.broker.replicas.writeTxnMarker(name, 0, { producerId: 501, producerEpoch: 0, coordinatorEpoch: 3, commit: false })).toBe(ErrorCode.NONE) // 2
    expect(await env.broker.replicas.writeTxnMarker(name, 0, { producerId: 501, producerEpoch: 0, coordinatorEpoch: 2, commit: false })).toBe(ErrorCode.TRANSACTION_COORDINATOR_FENCED)

    const fetch = async (isolationLevel: number) => {
      env.client.send(Fetch, 12, fetchRequest([{ topic: name, partition: 0 }], { maxWaitMs: 0, isolationLevel }))
      return (await env.client.receive(Fetch, 12)).body.responses[0]!.partitions[0]!
    }
    const committed = await fetch(1)
    expect(committed).toMatchObject({ highWatermark: 3n, lastStableOffset: 1n, abortedTransactions: [{ producerId: 501n, firstOffset: 0n }] })
    expect(decodeFetched(committed.records).map((r) => r.offset)).toEqual([0])
    const uncommitted = await fetch(0)
    expect(uncommitted).toMatchObject({ lastStableOffset: 1n, abortedTransactions: null })
    expect(decodeFetched(uncommitted.records).map((r) => r.offset)).toEqual([0, 1, 2])

    const latest = async (isolationLevel: number) => {
      env.client.send(ListOffsets, 8, { replicaId: -1, isolationLevel, topics: [{ name, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }] })
      return (await env.client.receive(ListOffsets, 8)).body.topics[0]!.partitions[0]!.offset
    }
    expect(await latest(1)).toBe(1n)
    expect(await latest(0)).toBe(3n)

    expect(await env.broker.replicas.writeTxnMarker(name, 0, { producerId: 502, producerEpoch: 0, coordinatorEpoch: 3, commit: true })).toBe(ErrorCode.NONE)
    expect((await fetch(1)).lastStableOffset).toBe(4n)
    expect(await latest(1)).toBe(4n)
    expect(await env.broker.replicas.writeTxnMarker(name, 0, { producerId: 502, producerEpoch: -1 + 0, coordinatorEpoch: 3, commit: true })).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
  })

  it('a read_committed long poll at the last stable offset sleeps through open-transaction data and wakes on the marker', async () => {
    const name = await topic('txn-poll')
    const log = env.broker.replicas.partition(name, 0)!
    const txn = (v: string, seq: number) => batch([v], { producerId: 601, producerEpoch: 0, baseSequence: seq, transactional: true })
    await log.append(txn('first', 0), { origin: 'client', leaderEpoch: 0 })
    const poller = await RawClient.connect(env.broker.bootstrap)
    try {
      poller.send(Fetch, 12, fetchRequest([{ topic: name, partition: 0 }], { maxWaitMs: 10_000, minBytes: 1, isolationLevel: 1 }))
      const answer = poller.receive(Fetch, 12)
      let answered = false
      void answer.then(() => (answered = true))
      await eventually(() => expect(env.broker.fetches.purgatory.size).toBe(1))
      await log.append(txn('second', 1), { origin: 'client', leaderEpoch: 0 })
      // The append's listeners ran; a fetch woken by it would be answering now.
      await new Promise((resolve) => setImmediate(resolve))
      expect([answered, env.broker.fetches.purgatory.size]).toEqual([false, 1])
      expect(await env.broker.replicas.writeTxnMarker(name, 0, { producerId: 601, producerEpoch: 0, coordinatorEpoch: 0, commit: true })).toBe(ErrorCode.NONE)
      const partition = (await answer).body.responses[0]!.partitions[0]!
      expect(partition.lastStableOffset).toBe(3n)
      // The two records, then the COMMIT marker's control batch.
      expect(decodeFetched(partition.records).map((r) => [r.offset, r.value]).slice(0, 2)).toEqual([[0, 'first'], [1, 'second']])
      expect(decodeFetched(partition.records)).toHaveLength(3)
    } finally {
      poller.close()
    }
  })
})

describe('idempotent producers of real clients', () => {
  it('kafkajs (idempotent: true) appends every message once', async () => {
    const name = await topic('idem-kafkajs')
    const kafka = new Kafka({ clientId: 'brook-idem', brokers: [env.broker.bootstrap], logLevel: logLevel.NOTHING })
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    try {
      for (let i = 0; i < 5; i++) await producer.send({ topic: name, messages: [{ value: `k${i}a` }, { value: `k${i}b` }] })
    } finally {
      await producer.disconnect()
    }
    expect(await values(name)).toEqual(['k0a', 'k0b', 'k1a', 'k1b', 'k2a', 'k2b', 'k3a', 'k3b', 'k4a', 'k4b'])
    const [producerState] = env.broker.replicas.partition(name, 0)!.producerState.activeProducers()
    expect(producerState).toMatchObject({ lastSeq: 9 })
  })

  it('@platformatic/kafka (idempotent) over the flexible versions', async () => {
    const name = await topic('idem-platformatic')
    const producer = new Producer({ clientId: 'brook-idem', bootstrapBrokers: [env.broker.bootstrap], serializers: stringSerializers, idempotent: true })
    try {
      for (let i = 0; i < 3; i++) {
        const r = await producer.send({ acks: ProduceAcks.ALL, messages: [{ topic: name, partition: 0, value: `p${i}` }] })
        expect(r.offsets).toEqual([{ topic: name, partition: 0, offset: BigInt(i) }])
      }
    } finally {
      await producer.close()
    }
    expect(await values(name)).toEqual(['p0', 'p1', 'p2'])
    expect([...env.broker.replicas.partition(name, 0)!.producerState.activeProducers()]).toHaveLength(1)
  })
})
