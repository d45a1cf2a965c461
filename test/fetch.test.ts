// Fetch over the wire with raw requests: contents, offsets, limits (KIP-74), errors, epochs,
// isolation, replica fetches, topic ids, every version from 4 to 16.
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { Fetch } from '../src/protocol/generated/fetch.js'
import type { FetchResponse, PartitionData } from '../src/protocol/generated/fetch.js'
import { appendBatch, batchSizes, createTopicWithLogs, decodeFetched, fetchRequest, type PartitionAsk } from './helpers/fetch.js'
import { uniqueName } from './helpers/index.js'
import { brokerWithRawClient } from './helpers/raw-broker.js'
import { RawClient } from './helpers/raw-client.js'
import { BatchHeader } from '../src/protocol/records/batch-header.js'

const env = brokerWithRawClient({ config: { 'fetch.max.bytes': '65536' } })

async function fetch(version: number, parts: PartitionAsk[], over: Parameters<typeof fetchRequest>[1] = {}): Promise<FetchResponse> {
  const correlationId = env.client.send(Fetch, version, fetchRequest(parts, { maxWaitMs: 0, ...over }))
  const res = await env.client.receive(Fetch, version)
  expect(res.correlationId).toBe(correlationId)
  return res.body
}

function only(res: FetchResponse): PartitionData {
  expect(res.responses).toHaveLength(1)
  expect(res.responses[0]!.partitions).toHaveLength(1)
  return res.responses[0]!.partitions[0]!
}

const value = (n: number): string => `v${n}`.padEnd(200, '.')

describe('Fetch: records and offsets', () => {
  it('returns the appended batches as stored, with keys, values, headers and offsets, in every version', async () => {
    const name = uniqueName('fetch-contents')
    const topic = await createTopicWithLogs(env.broker, name, 1)
    await appendBatch(env.broker, name, 0, [
      { key: 'k0', value: 'hello', headers: { h: 'x' } },
      { key: null, value: null },
    ])
    await appendBatch(env.broker, name, 0, [{ key: 'k2', value: 'world', headers: { a: '1', b: '2' } }])
    for (let version = 4; version <= 16; version++) {
      const topicId = version >= 13 ? topic.topicId : undefined
      const res = await fetch(version, [{ topic: version >= 13 ? '' : name, topicId, partition: 0, offset: 1n }])
      const p = only(res)
      expect(res.errorCode).toBe(ErrorCode.NONE)
      expect(res.throttleTimeMs).toBe(0)
      expect(p.errorCode, `v${version}`).toBe(ErrorCode.NONE)
      expect(p.highWatermark).toBe(3n)
      expect(p.lastStableOffset).toBe(3n)
      expect(p.logStartOffset).toBe(version >= 5 ? 0n : -1n)
      expect(p.preferredReadReplica).toBe(-1)
      expect(p.abortedTransactions).toBeNull()
      // The batch holding offset 1 starts at 0: Kafka returns whole batches, the client skips what it did not ask for.
      expect(decodeFetched(p.records)).toEqual([
        { offset: 0, key: 'k0', value: 'hello', headers: { h: 'x' } },
        { offset: 1, key: null, value: null, headers: {} },
        { offset: 2, key: 'k2', value: 'world', headers: { a: '1', b: '2' } },
      ])
    }
  })

  it('answers at the log end with no records and the offsets', async () => {
    const name = uniqueName('fetch-end')
    await createTopicWithLogs(env.broker, name, 1)
    await appendBatch(env.broker, name, 0, [{ value: 'a' }])
    const p = only(await fetch(12, [{ topic: name, partition: 0, offset: 1n }]))
    expect(p).toMatchObject({ errorCode: 0, highWatermark: 1n, lastStableOffset: 1n, logStartOffset: 0n })
    expect(p.records?.length).toBe(0)
  })

  it('answers OFFSET_OUT_OF_RANGE past the log end and below the log start, with offsets -1', async () => {
    const name = uniqueName('fetch-oor')
    await createTopicWithLogs(env.broker, name, 1)
    for (let i = 0; i < 4; i++) await appendBatch(env.broker, name, 0, [{ value: value(i) }])
    await env.broker.replicas.partition(name, 0)!.deleteRecordsBefore(2)
    for (const offset of [5n, 1n]) {
      const p = only(await fetch(12, [{ topic: name, partition: 0, offset }]))
      expect(p).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n })
      expect(p.records?.length).toBe(0)
    }
    const p = only(await fetch(12, [{ topic: name, partition: 0, offset: 2n }]))
    expect(p.logStartOffset).toBe(2n)
    expect(decodeFetched(p.records).map((r) => r.offset)).toEqual([2, 3])
  })

  it('reads partitions in request order and answers unknown topics and partitions after them', async () => {
    const name = uniqueName('fetch-order')
    await createTopicWithLogs(env.broker, name, 2)
    await appendBatch(env.broker, name, 1, [{ value: 'p1' }])
    await appendBatch(env.broker, name, 0, [{ value: 'p0' }])
    const missing = uniqueName('fetch-missing')
    const res = await fetch(12, [
      { topic: missing, partition: 0 },
      { topic: name, partition: 1 },
      { topic: name, partition: 7 },
      { topic: name, partition: 0 },
    ])
    const flat = res.responses.flatMap((t) => t.partitions.map((p) => [t.topic, p.partitionIndex, p.errorCode, decodeFetched(p.records).map((r) => r.value)]))
    expect(flat).toEqual([
      [name, 1, 0, ['p1']],
      [name, 0, 0, ['p0']],
      [missing, 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []],
      [name, 7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []],
    ])
    expect(res.responses.at(-1)!.partitions[0]).toMatchObject({ highWatermark: -1n, logStartOffset: -1n, lastStableOffset: -1n })
  })

  it('answers an unknown topic id with UNKNOWN_TOPIC_ID (v13+)', async () => {
    const p = only(await fetch(13, [{ topic: '', topicId: 'AAAAAAAAAAAAAAAAAAAAAw', partition: 0 }]))
    expect(p.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID)
  })
})

describe('Fetch: byte limits', () => {
  it('returns a first batch larger than the partition limit whole (KIP-74), and then keeps to the limits', async () => {
    const name = uniqueName('fetch-kip74')
    await createTopicWithLogs(env.broker, name, 2)
    await appendBatch(env.broker, name, 0, [{ value: 'x'.repeat(5000) }])
    await appendBatch(env.broker, name, 0, [{ value: 'y'.repeat(100) }])
    await appendBatch(env.broker, name, 1, [{ value: 'z'.repeat(5000) }])
    const res = await fetch(12, [
      { topic: name, partition: 0, maxBytes: 1000 },
      { topic: name, partition: 1, maxBytes: 1000 },
    ])
    const [p0, p1] = res.responses[0]!.partitions
    expect(batchSizes(p0!.records)).toHaveLength(1)
    expect(p0!.records!.length).toBeGreaterThan(5000)
    expect(decodeFetched(p0!.records).map((r) => r.offset)).toEqual([0])
    // Once a partition has returned data, a batch over the limit is not returned.
    expect(p1!.records!.length).toBe(0)
    expect(p1!.highWatermark).toBe(1n)
  })

  it('keeps the whole response within maxBytes, the first batch excepted', async () => {
    const name = uniqueName('fetch-maxbytes')
    await createTopicWithLogs(env.broker, name, 3)
    for (let p = 0; p < 3; p++) for (let i = 0; i < 4; i++) await appendBatch(env.broker, name, p, [{ value: value(i) }])
    const one = batchSizes(only(await fetch(12, [{ topic: name, partition: 0, maxBytes: 1 }])).records)[0]!
    const res = await fetch(12, [0, 1, 2].map((partition) => ({ topic: name, partition })), { maxBytes: one * 5 + 10 })
    expect(res.responses[0]!.partitions.map((p) => batchSizes(p.records).length)).toEqual([4, 1, 0])
  })

  it('caps the response at fetch.max.bytes whatever the request asks', async () => {
    const name = uniqueName('fetch-broker-cap')
    await createTopicWithLogs(env.broker, name, 2)
    for (const p of [0, 1]) await appendBatch(env.broker, name, p, [{ value: 'q'.repeat(40_000) }])
    const res = await fetch(12, [0, 1].map((partition) => ({ topic: name, partition })), { maxBytes: 10_000_000 })
    expect(res.responses[0]!.partitions.map((p) => batchSizes(p.records).length)).toEqual([1, 0])
  })
})

describe('Fetch: isolation, epochs and replicas', () => {
  it('gives read_committed an empty aborted-transaction list and read_uncommitted none', async () => {
    const name = uniqueName('fetch-isolation')
    await createTopicWithLogs(env.broker, name, 1)
    await appendBatch(env.broker, name, 0, [{ value: 'a' }])
    const committed = only(await fetch(12, [{ topic: name, partition: 0 }], { isolationLevel: 1 }))
    expect(committed).toMatchObject({ abortedTransactions: [], lastStableOffset: 1n, highWatermark: 1n })
    const uncommitted = only(await fetch(4, [{ topic: name, partition: 0 }], { isolationLevel: 0 }))
    expect(uncommitted.abortedTransactions).toBeNull()
  })

  it('checks the current leader epoch (v9+): 0 is current, higher is unknown', async () => {
    const name = uniqueName('fetch-epoch')
    await createTopicWithLogs(env.broker, name, 1)
    await appendBatch(env.broker, name, 0, [{ value: 'a' }])
    expect(only(await fetch(9, [{ topic: name, partition: 0, currentLeaderEpoch: 0 }])).errorCode).toBe(ErrorCode.NONE)
    const p = only(await fetch(9, [{ topic: name, partition: 0, currentLeaderEpoch: 3 }]))
    expect(p).toMatchObject({ errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, highWatermark: -1n })
  })

  it('answers a last fetched epoch this log does not have with the diverging epoch (v12+)', async () => {
    const name = uniqueName('fetch-diverging')
    await createTopicWithLogs(env.broker, name, 1)
    await appendBatch(env.broker, name, 0, [{ value: 'a' }, { value: 'b' }])
    const p = only(await fetch(12, [{ topic: name, partition: 0, offset: 2n, lastFetchedEpoch: 4 }]))
    expect(p).toMatchObject({ errorCode: 0, divergingEpoch: { epoch: 0, endOffset: 2n }, highWatermark: 2n })
    expect(p.records!.length).toBe(0)
    const ok = only(await fetch(12, [{ topic: name, partition: 0, offset: 1n, lastFetchedEpoch: 0 }]))
    expect(ok.divergingEpoch).toEqual({ epoch: -1, endOffset: -1n })
  })

  it('refuses fetches from replicas as Kafka does for a broker not among the replicas', async () => {
    const name = uniqueName('fetch-replica')
    await createTopicWithLogs(env.broker, name, 1)
    const v12 = only(await fetch(12, [{ topic: name, partition: 0 }], { replicaId: 2 }))
    expect(v12.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    const topicId = env.broker.cluster.topics.get(name)!.topicId
    const v15 = only(await fetch(15, [{ topic: '', topicId, partition: 0, currentLeaderEpoch: 0 }], { replicaState: { replicaId: 2, replicaEpoch: 5n } }))
    expect(v15.errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
    // v16 points at the leader (KIP-951): this node, epoch 0.
    const res = await fetch(16, [{ topic: '', topicId, partition: 0 }], { replicaState: { replicaId: 2, replicaEpoch: 5n } })
    expect(only(res)).toMatchObject({ errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, currentLeader: { leaderId: 1, leaderEpoch: 0 } })
    const [host, port] = env.broker.bootstrap.split(':')
    expect(res.nodeEndpoints).toEqual([{ nodeId: 1, host, port: Number(port), rack: null }])
  })
})

describe('Fetch: read buffers', () => {
  /** A value that names its partition and offset, so that bytes from another read cannot pass for it. */
  const tagged = (partition: number, offset: number): string => `p${partition}-o${offset}-`.padEnd(1000, String.fromCharCode(97 + (offset % 26)))

  /** Checks every batch's CRC and every record's value; returns the records seen. */
  function checkAnswer(p: PartitionData, partition: number): number {
    for (let pos = 0; pos < p.records!.length; pos += BatchHeader.view(p.records!, pos).sizeInBytes) expect(BatchHeader.view(p.records!, pos).crcMatches()).toBe(true)
    const records = decodeFetched(p.records)
    for (const r of records) expect(r.value).toBe(tagged(partition, r.offset))
    return records.length
  }

  it('keeps the answers a stalled consumer has not read intact while other fetches reuse the buffers', async () => {
    const name = uniqueName('fetch-buffers')
    await createTopicWithLogs(env.broker, name, 2)
    const BATCHES = 64
    const PER_BATCH = 15
    for (const partition of [0, 1])
      for (let b = 0; b < BATCHES; b++)
        await appendBatch(env.broker, name, partition, Array.from({ length: PER_BATCH }, (_, i) => ({ value: tagged(partition, b * PER_BATCH + i) })))
    // 200 answers of up to 64 KiB (fetch.max.bytes): more than the kernel's socket buffers take, so some wait in the broker.
    const stalled = await RawClient.connect(env.broker.bootstrap)
    const busy = await RawClient.connect(env.broker.bootstrap)
    try {
      stalled.pause()
      const FETCHES = 200
      for (let i = 0; i < FETCHES; i++) stalled.send(Fetch, 12, fetchRequest([{ topic: name, partition: 0, offset: BigInt((i % BATCHES) * PER_BATCH) }], { maxWaitMs: 0 }))
      // Meanwhile another consumer reads partition 1 over and over: its reads take and return pooled buffers.
      let busyRecords = 0
      for (let round = 0; round < 3; round++)
        for (let offset = 0; offset < BATCHES * PER_BATCH; ) {
          busy.send(Fetch, 12, fetchRequest([{ topic: name, partition: 1, offset: BigInt(offset) }], { maxWaitMs: 0 }))
          const got = checkAnswer(only((await busy.receive(Fetch, 12)).body), 1)
          expect(got).toBeGreaterThan(0)
          offset += got
          busyRecords += got
        }
      expect(busyRecords).toBe(3 * BATCHES * PER_BATCH)
      stalled.resume()
      let stalledRecords = 0
      for (let i = 0; i < FETCHES; i++) stalledRecords += checkAnswer(only((await stalled.receive(Fetch, 12)).body), 0)
      expect(stalledRecords).toBeGreaterThan(FETCHES * PER_BATCH)
    } finally {
      stalled.close()
      busy.close()
    }
  })
})
