// Produce over the raw protocol: the bad inputs of issue 5 and Kafka's edge rules. Each bad
// partition gets its error with nothing appended, while the good partitions of the same request
// are appended; whole-request failures answer every partition, or close the connection.
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { Metadata } from '../src/protocol/generated/metadata.js'
import { Produce } from '../src/protocol/generated/produce.js'
import type { PartitionProduceData, ProduceResponse } from '../src/protocol/generated/produce.js'
import { BATCH, BatchHeader } from '../src/protocol/records/batch-header.js'
import { buildBatch } from '../src/protocol/records/batch-builder.js'
import type { BatchOptions } from '../src/protocol/records/batch-builder.js'
import { uniqueName } from './helpers/index.js'
import { readPartitionText } from './helpers/partition-records.js'
import { brokerWithRawClient } from './helpers/raw-broker.js'
import { RawClient } from './helpers/raw-client.js'

const env = brokerWithRawClient()

function batch(values: string[], opts: BatchOptions = {}): Buffer {
  return buildBatch(values.map((v) => ({ timestamp: Date.now(), key: null, value: Buffer.from(v) })), opts)
}

interface ProduceOptions {
  version?: number
  acks?: number
  transactionalId?: string | null
  clientId?: string
  on?: RawClient
}

async function produce(topicData: { name: string; partitionData: PartitionProduceData[] }[], o: ProduceOptions = {}): Promise<ProduceResponse> {
  const version = o.version ?? 11
  const c = o.on ?? env.client
  c.send(Produce, version, { transactionalId: o.transactionalId ?? null, acks: o.acks ?? -1, timeoutMs: 5000, topicData }, o.clientId)
  return (await c.receive(Produce, version)).body
}

/** [partition, error code, base offset] per partition of the one topic answered. */
function summary(res: ProduceResponse): [number, number, bigint][] {
  expect(res.responses).toHaveLength(1)
  return res.responses[0]!.partitionResponses.map((p) => [p.index, p.errorCode, p.baseOffset])
}

async function topicWith(partitions: number, prefix = 'raw'): Promise<string> {
  const name = uniqueName(prefix)
  await env.broker.cluster.createTopic({ name, partitions })
  return name
}

const values = async (topic: string, p: number) => (await readPartitionText(env.broker, topic, p)).map((r) => r.value)

describe('bad batches fail their partition only', () => {
  it('corrupt CRC: CORRUPT_MESSAGE, nothing appended; the other partition succeeds', async () => {
    const topic = await topicWith(2)
    const bad = batch(['x'])
    bad[bad.length - 1]! ^= 0xff
    const res = await produce([{ name: topic, partitionData: [{ index: 0, records: bad }, { index: 1, records: batch(['ok']) }] }])
    expect(summary(res)).toEqual([[0, ErrorCode.CORRUPT_MESSAGE, -1n], [1, ErrorCode.NONE, 0n]])
    expect(res.responses[0]!.partitionResponses[0]).toMatchObject({ logStartOffset: -1n, logAppendTimeMs: -1n, errorMessage: null })
    expect(await values(topic, 0)).toEqual([])
    expect(await values(topic, 1)).toEqual(['ok'])
  })

  it('magic 1: INVALID_RECORD for the partition', async () => {
    const topic = await topicWith(2)
    const old = batch(['x'])
    old.writeInt8(1, BATCH.MAGIC)
    const res = await produce([{ name: topic, partitionData: [{ index: 0, records: batch(['ok']) }, { index: 1, records: old }] }])
    expect(summary(res)).toEqual([[0, ErrorCode.NONE, 0n], [1, ErrorCode.INVALID_RECORD, -1n]])
    expect(await values(topic, 1)).toEqual([])
  })

  it('a batch whose length runs past the records field: INVALID_RECORD (no whole batch)', async () => {
    const topic = await topicWith(2)
    const long = batch(['x'])
    long.writeInt32BE(long.readInt32BE(BATCH.LENGTH) + 100, BATCH.LENGTH)
    const res = await produce([{ name: topic, partitionData: [{ index: 0, records: long }, { index: 1, records: batch(['ok']) }] }])
    expect(summary(res)).toEqual([[0, ErrorCode.INVALID_RECORD, -1n], [1, ErrorCode.NONE, 0n]])
    expect(await values(topic, 0)).toEqual([])
  })

  it('a record count that lies: CORRUPT_MESSAGE, or INVALID_RECORD once the CRC is made to match', async () => {
    const topic = await topicWith(3)
    const lying = batch(['a', 'b'])
    lying.writeInt32BE(5, BATCH.RECORD_COUNT)
    const fixed = Buffer.from(lying)
    BatchHeader.view(fixed).updateCrc()
    const res = await produce([
      { name: topic, partitionData: [{ index: 0, records: lying }, { index: 1, records: fixed }, { index: 2, records: batch(['ok']) }] },
    ])
    expect(summary(res)).toEqual([[0, ErrorCode.CORRUPT_MESSAGE, -1n], [1, ErrorCode.INVALID_RECORD, -1n], [2, ErrorCode.NONE, 0n]])
    // An error raised inside the log carries the log start offset (UnifiedLog's InvalidRecordException).
    expect(res.responses[0]!.partitionResponses[1]!.logStartOffset).toBe(0n)
    expect([await values(topic, 0), await values(topic, 1)]).toEqual([[], []])
  })

  it('two batches in one partition: INVALID_RECORD; null records: INVALID_RECORD', async () => {
    const topic = await topicWith(2)
    const res = await produce([
      { name: topic, partitionData: [{ index: 0, records: Buffer.concat([batch(['a']), batch(['b'])]) }, { index: 1, records: null }] },
    ])
    expect(summary(res)).toEqual([[0, ErrorCode.INVALID_RECORD, -1n], [1, ErrorCode.INVALID_RECORD, -1n]])
  })

  it('zstd before Produce v7: UNSUPPORTED_COMPRESSION_TYPE', async () => {
    const topic = await topicWith(1)
    const zstdFlagged = batch(['x'])
    zstdFlagged.writeInt16BE(4, BATCH.ATTRIBUTES)
    BatchHeader.view(zstdFlagged).updateCrc()
    expect(summary(await produce([{ name: topic, partitionData: [{ index: 0, records: zstdFlagged }] }], { version: 6 }))).toEqual([
      [0, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, -1n],
    ])
  })

  it('a control batch: INVALID_RECORD (control records are not a client’s to write)', async () => {
    const topic = await topicWith(1)
    const control = batch(['x'], { control: true })
    const res = await produce([{ name: topic, partitionData: [{ index: 0, records: control }] }])
    expect(summary(res)).toEqual([[0, ErrorCode.INVALID_RECORD, -1n]])
  })
})

describe('topics and partitions', () => {
  it('a partition beyond the count and an unknown topic: UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const topic = await topicWith(1)
    const res = await produce([
      { name: topic, partitionData: [{ index: 1, records: batch(['x']) }, { index: -1, records: batch(['y']) }, { index: 0, records: batch(['ok']) }] },
      { name: uniqueName('nowhere'), partitionData: [{ index: 0, records: batch(['z']) }] },
    ])
    expect(res.responses.map((t) => t.partitionResponses.map((p) => [p.index, p.errorCode]))).toEqual([
      [[1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [-1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [0, ErrorCode.NONE]],
      [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]],
    ])
  })

  it('a deleted topic: UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const topic = await topicWith(1)
    await env.broker.cluster.admin.deleteTopics([{ name: topic }])
    expect(summary(await produce([{ name: topic, partitionData: [{ index: 0, records: batch(['x']) }] }]))).toEqual([
      [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n],
    ])
  })

  it('a partition named twice: answered once, with the last records appended', async () => {
    const topic = await topicWith(1)
    const res = await produce([
      { name: topic, partitionData: [{ index: 0, records: batch(['first']) }] },
      { name: topic, partitionData: [{ index: 0, records: batch(['second']) }] },
    ])
    expect(summary(res)).toEqual([[0, ErrorCode.NONE, 0n]])
    expect(await values(topic, 0)).toEqual(['second'])
  })
})

describe('acks', () => {
  it('acks=2: INVALID_REQUIRED_ACKS for every partition, nothing appended; unknown partitions keep their error', async () => {
    const topic = await topicWith(2)
    const res = await produce(
      [{ name: topic, partitionData: [{ index: 0, records: batch(['a']) }, { index: 1, records: batch(['b']) }, { index: 5, records: batch(['c']) }] }],
      { acks: 2 },
    )
    expect(summary(res)).toEqual([
      [0, ErrorCode.INVALID_REQUIRED_ACKS, -1n],
      [1, ErrorCode.INVALID_REQUIRED_ACKS, -1n],
      [5, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n],
    ])
    expect([await values(topic, 0), await values(topic, 1)]).toEqual([[], []])
  })

  it('acks=-1 on a topic asking min.insync.replicas=2: appended (Kafka 4.0 caps it at the replication factor, 1)', async () => {
    const topic = uniqueName('misr')
    await env.broker.cluster.createTopic({ name: topic, partitions: 1, configs: { 'min.insync.replicas': '2' } })
    expect(summary(await produce([{ name: topic, partitionData: [{ index: 0, records: batch(['x']) }] }], { acks: -1 }))).toEqual([[0, ErrorCode.NONE, 0n]])
  })

  it('acks=0: no response, and the next response on the connection is the next request’s', async () => {
    const topic = await topicWith(1)
    const c = await RawClient.connect(env.broker.bootstrap)
    try {
      c.send(Produce, 9, { transactionalId: null, acks: 0, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch(['quiet']) }] }] })
      const next = c.send(Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
      const { correlationId } = await c.receive(Metadata, 12)
      expect(correlationId).toBe(next)
      // The acks=0 request was handled before the Metadata answer went out.
      expect(await values(topic, 0)).toEqual(['quiet'])
      const res = await produce([{ name: topic, partitionData: [{ index: 0, records: batch(['loud']) }] }], { on: c })
      expect(summary(res)).toEqual([[0, ErrorCode.NONE, 1n]])
    } finally {
      c.close()
    }
  })

  it('acks=0 with a failing partition closes the connection (the producer has no other way to learn)', async () => {
    const c = await RawClient.connect(env.broker.bootstrap)
    c.send(Produce, 9, { transactionalId: null, acks: 0, timeoutMs: 5000, topicData: [{ name: uniqueName('none'), partitionData: [{ index: 0, records: batch(['x']) }] }] })
    await c.waitClosed()
  })
})

describe('versions and whole-request rules', () => {
  it('answers Produce v0-2 (message formats v0/v1) with UNSUPPORTED_VERSION in every partition and appends nothing', async () => {
    const topic = await topicWith(2)
    for (const version of [0, 1, 2]) {
      const res = await produce([{ name: topic, partitionData: [0, 1].map((index) => ({ index, records: batch(['x']) })) }], { version })
      expect(res.responses[0]!.partitionResponses.map((p) => [p.index, p.errorCode, p.baseOffset])).toEqual([
        [0, ErrorCode.UNSUPPORTED_VERSION, -1n],
        [1, ErrorCode.UNSUPPORTED_VERSION, -1n],
      ])
    }
    // With acks=0 there is no answer to carry the error: the connection closes, as for any failed acks=0 produce.
    const c = await RawClient.connect(env.broker.bootstrap)
    c.send(Produce, 2, { transactionalId: null, acks: 0, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch(['x']) }] }] })
    await c.waitClosed()
    expect(await values(topic, 0)).toEqual([])
    expect(await values(topic, 1)).toEqual([])
  })

  it('serves every version from v3 to v11', async () => {
    const topic = await topicWith(1)
    for (let v = 3; v <= 11; v++) {
      const res = await produce([{ name: topic, partitionData: [{ index: 0, records: batch([`v${v}`]) }] }], { version: v })
      expect(summary(res)).toEqual([[0, ErrorCode.NONE, BigInt(v - 3)]])
      if (v >= 5) expect(res.responses[0]!.partitionResponses[0]!.logStartOffset).toBe(0n)
    }
  })

  it('a first batch with an impossible magic fails the whole request with CORRUPT_MESSAGE', async () => {
    const topic = await topicWith(2)
    const weird = batch(['x'])
    weird.writeInt8(7, BATCH.MAGIC)
    const res = await produce([{ name: topic, partitionData: [{ index: 0, records: batch(['ok']) }, { index: 1, records: weird }] }])
    expect(res.responses[0]!.partitionResponses.map((p) => [p.index, p.errorCode, p.errorMessage])).toEqual([
      [0, ErrorCode.CORRUPT_MESSAGE, 'Invalid magic found in record: 7'],
      [1, ErrorCode.CORRUPT_MESSAGE, 'Invalid magic found in record: 7'],
    ])
    expect(await values(topic, 0)).toEqual([])
  })

  it('a transactional batch without a transactional id: TRANSACTIONAL_ID_AUTHORIZATION_FAILED everywhere', async () => {
    const topic = await topicWith(2)
    const txn = batch(['t'], { transactional: true, producerId: 7, producerEpoch: 0, baseSequence: 0 })
    const res = await produce([{ name: topic, partitionData: [{ index: 0, records: batch(['plain']) }, { index: 1, records: txn }] }])
    expect(summary(res).map(([p, e]) => [p, e])).toEqual([
      [0, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED],
      [1, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED],
    ])
    expect(await values(topic, 0)).toEqual([])
  })

  it('a transactional batch while no transaction coordinator is loaded: NOT_ENOUGH_REPLICAS (retriable), nothing appended', async () => {
    const topic = await topicWith(1)
    const txn = batch(['t'], { transactional: true, producerId: 7, producerEpoch: 0, baseSequence: 0 })
    const res = await produce([{ name: topic, partitionData: [{ index: 0, records: txn }] }], { transactionalId: 'tx-1' })
    // Kafka's verification maps an unavailable coordinator to NOT_ENOUGH_REPLICAS for the producer to retry.
    expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS)
    expect(await values(topic, 0)).toEqual([])
  })

  it('an idempotent batch from an unknown producer is accepted; its retry appends nothing', async () => {
    const topic = await topicWith(1)
    const idem = (): Buffer => batch(['i'], { producerId: 42, producerEpoch: 0, baseSequence: 0 })
    expect(summary(await produce([{ name: topic, partitionData: [{ index: 0, records: idem() }] }]))).toEqual([[0, ErrorCode.NONE, 0n]])
    expect(summary(await produce([{ name: topic, partitionData: [{ index: 0, records: idem() }] }]))).toEqual([[0, ErrorCode.NONE, 0n]])
    expect(await values(topic, 0)).toEqual(['i'])
  })

  it('an internal topic: INVALID_TOPIC_EXCEPTION for clients, appended for Kafka’s admin client id', async () => {
    const name = '__transaction_state'
    if (!env.broker.cluster.topics.get(name)) await env.broker.cluster.createTopic({ name, partitions: 1 })
    const before = (await readPartitionText(env.broker, name, 0)).length
    const denied = await produce([{ name, partitionData: [{ index: 0, records: batch(['x']) }] }])
    expect(summary(denied)).toEqual([[0, ErrorCode.INVALID_TOPIC_EXCEPTION, -1n]])
    const allowed = await produce([{ name, partitionData: [{ index: 0, records: batch(['x']) }] }], { clientId: '__admin_client' })
    expect(summary(allowed)).toEqual([[0, ErrorCode.NONE, BigInt(before)]])
  })
})
