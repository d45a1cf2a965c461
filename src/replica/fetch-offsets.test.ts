import { describe, expect, it } from 'vitest'
import { replicaFixture, type ReplicaFixture } from '../../test/helpers/replica-fixture.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { ListOffsetsPartition, ListOffsetsRequest } from '../protocol/generated/list-offsets.js'
import { CompressionType } from '../protocol/records/attributes.js'
import { buildBatch } from '../protocol/records/batch-builder.js'
import { BatchHeader } from '../protocol/records/batch-header.js'
import { compressSync } from '../protocol/records/compression/index.js'
import { fetchOffsets } from './fetch-offsets.js'

const LATEST = -1n
const EARLIEST = -2n
const MAX_TIMESTAMP = -3n
const EARLIEST_LOCAL = -4n

function part(partitionIndex: number, timestamp: bigint, currentLeaderEpoch = -1): ListOffsetsPartition {
  return { partitionIndex, timestamp, currentLeaderEpoch, maxNumOffsets: 1 }
}

function req(topics: { name: string; partitions: ListOffsetsPartition[] }[], o: Partial<ListOffsetsRequest> = {}): ListOffsetsRequest {
  return { replicaId: -1, isolationLevel: 0, topics, ...o }
}

async function list(f: ReplicaFixture, r: ListOffsetsRequest, apiVersion = 8) {
  return fetchOffsets({ topics: f.topics, replicas: f.replicas, apiVersion, log: f.log }, r)
}

/** [partition, error, timestamp, offset, leaderEpoch] of the one topic answered. */
async function one(f: ReplicaFixture, topic: string, partitions: ListOffsetsPartition[], o: Partial<ListOffsetsRequest> = {}, apiVersion = 8) {
  const [t] = await list(f, req([{ name: topic, partitions }], o), apiVersion)
  return t!.partitions.map((p) => [p.partitionIndex, p.errorCode, Number(p.timestamp), Number(p.offset), p.leaderEpoch])
}

/** Appends one batch per list of timestamps (optionally compressed). */
async function fill(f: ReplicaFixture, topic: string, batches: number[][], compression: CompressionType = CompressionType.None) {
  const log = f.partition(topic)
  for (const ts of batches) {
    const b = buildBatch(ts.map((t) => ({ timestamp: t, value: Buffer.from(String(t)) })), {
      compression,
      compress: (type, data) => compressSync(type, data),
    })
    await log.append(b, { leaderEpoch: 0 })
  }
}

describe('fetchOffsets: special timestamps', () => {
  it('answers an empty partition: earliest = latest = 0, nothing for a timestamp or the max timestamp', async () => {
    const f = await replicaFixture()
    await f.createTopic('empty', 1)
    expect(await one(f, 'empty', [part(0, EARLIEST)])).toEqual([[0, 0, -1, 0, 0]])
    expect(await one(f, 'empty', [part(0, LATEST)])).toEqual([[0, 0, -1, 0, 0]])
    expect(await one(f, 'empty', [part(0, MAX_TIMESTAMP)])).toEqual([[0, 0, -1, -1, -1]])
    expect(await one(f, 'empty', [part(0, 0n)])).toEqual([[0, 0, -1, -1, -1]])
  })

  it('answers earliest, earliest-local and latest around a moved log start', async () => {
    const f = await replicaFixture()
    await f.createTopic('t', 1)
    await fill(f, 't', [[100, 101], [102], [103, 104, 105]])
    await f.partition('t').deleteRecordsBefore(2)
    expect(await one(f, 't', [part(0, EARLIEST)])).toEqual([[0, 0, -1, 2, 0]])
    expect(await one(f, 't', [part(0, EARLIEST_LOCAL)])).toEqual([[0, 0, -1, 2, 0]])
    expect(await one(f, 't', [part(0, LATEST)])).toEqual([[0, 0, -1, 6, 0]])
    expect(await one(f, 't', [part(0, LATEST)], { isolationLevel: 1 })).toEqual([[0, 0, -1, 6, 0]])
    expect(await one(f, 't', [part(0, LATEST)], { replicaId: 1 })).toEqual([[0, 0, -1, 6, 0]])
  })

  it('finds the first record holding the largest timestamp, even when timestamps go back and forth', async () => {
    const f = await replicaFixture()
    await f.createTopic('t', 1)
    await fill(f, 't', [[10, 50, 20], [50, 5], [30]])
    expect(await one(f, 't', [part(0, MAX_TIMESTAMP)])).toEqual([[0, 0, 50, 1, 0]])
  })

  it('finds the max timestamp inside compressed batches and across segments', async () => {
    const f = await replicaFixture()
    await f.createTopic('t', 1, { segmentBytes: 200 })
    await fill(f, 't', [[1, 2], [7, 3], [900, 4], [5], [899]], CompressionType.Gzip)
    expect(f.partition('t').segmentCount).toBeGreaterThan(1)
    expect(await one(f, 't', [part(0, MAX_TIMESTAMP)])).toEqual([[0, 0, 900, 4, 0]])
  })

  it('ignores records below the log start offset for the max timestamp', async () => {
    const f = await replicaFixture()
    await f.createTopic('t', 1)
    await fill(f, 't', [[1000], [10], [20]])
    await f.partition('t').deleteRecordsBefore(1)
    expect(await f.partition('t').maxTimestampOffset()).toEqual({ timestamp: 20, offset: 2, leaderEpoch: 0 })
  })

  it('reads timestamps as the stored append time on LogAppendTime topics', async () => {
    const f = await replicaFixture()
    await f.createTopic('lat', 1, { messageTimestampType: 'LogAppendTime' })
    const log = f.partition('lat')
    // As the produce validator leaves them: stamped with the append time, the log told so.
    const stamped = (time: number, ...ts: number[]) => {
      const b = buildBatch(ts.map((t) => ({ timestamp: t, value: null })))
      BatchHeader.view(b).setLogAppendTime(time)
      return b
    }
    await log.append(stamped(5000, 1, 2), { leaderEpoch: 0, logAppendTime: 5000 })
    await log.append(stamped(6000, 3), { leaderEpoch: 0, logAppendTime: 6000 })
    expect(await one(f, 'lat', [part(0, MAX_TIMESTAMP)])).toEqual([[0, 0, 6000, 2, 0]])
    expect(await one(f, 'lat', [part(0, 5500n)])).toEqual([[0, 0, 6000, 2, 0]])
    expect(await one(f, 'lat', [part(0, 1n)])).toEqual([[0, 0, 5000, 0, 0]])
  })
})

describe('fetchOffsets: by timestamp', () => {
  it('answers the first record at or after the timestamp, -1/-1 past the last', async () => {
    const f = await replicaFixture()
    await f.createTopic('t', 1)
    await fill(f, 't', [[100, 200], [150, 300]], CompressionType.Snappy)
    expect(await one(f, 't', [part(0, 0n)])).toEqual([[0, 0, 100, 0, 0]])
    expect(await one(f, 't', [part(0, 150n)])).toEqual([[0, 0, 200, 1, 0]])
    expect(await one(f, 't', [part(0, 201n)])).toEqual([[0, 0, 300, 3, 0]])
    expect(await one(f, 't', [part(0, 301n)])).toEqual([[0, 0, -1, -1, -1]])
    expect(await one(f, 't', [part(0, 2n ** 62n)])).toEqual([[0, 0, -1, -1, -1]])
  })
})

describe('fetchOffsets: errors', () => {
  it('refuses timestamps the version does not know', async () => {
    const f = await replicaFixture()
    await f.createTopic('t', 1)
    expect(await one(f, 't', [part(0, MAX_TIMESTAMP)], {}, 6)).toEqual([[0, ErrorCode.UNSUPPORTED_VERSION, -1, -1, -1]])
    expect(await one(f, 't', [part(0, MAX_TIMESTAMP)], {}, 7)).toEqual([[0, 0, -1, -1, -1]])
    expect(await one(f, 't', [part(0, EARLIEST_LOCAL)], {}, 7)).toEqual([[0, ErrorCode.UNSUPPORTED_VERSION, -1, -1, -1]])
    expect(await one(f, 't', [part(0, -5n)], {}, 8)).toEqual([[0, ErrorCode.UNSUPPORTED_VERSION, -1, -1, -1]])
    expect(await one(f, 't', [part(0, -100n)], {}, 8)).toEqual([[0, ErrorCode.UNSUPPORTED_VERSION, -1, -1, -1]])
  })

  it('checks the current leader epoch as Kafka does', async () => {
    const f = await replicaFixture()
    await f.createTopic('t', 1)
    expect(await one(f, 't', [part(0, LATEST, 0)])).toEqual([[0, 0, -1, 0, 0]])
    expect(await one(f, 't', [part(0, LATEST, 1)])).toEqual([[0, ErrorCode.UNKNOWN_LEADER_EPOCH, -1, -1, -1]])
    expect(await one(f, 't', [part(0, LATEST, -7)])).toEqual([[0, ErrorCode.FENCED_LEADER_EPOCH, -1, -1, -1]])
  })

  it('answers unknown topics and partitions, a missing log, and duplicates once with INVALID_REQUEST', async () => {
    const f = await replicaFixture()
    await f.createTopic('t', 2)
    const gone = await f.createTopic('gone', 1)
    await f.replicas.removeLogs(gone)
    const res = await list(
      f,
      req([
        { name: 't', partitions: [part(0, LATEST), part(1, LATEST), part(2, LATEST), part(0, EARLIEST)] },
        { name: 'nope', partitions: [part(0, LATEST)] },
        { name: 'gone', partitions: [part(0, LATEST)] },
      ]),
    )
    expect(res.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode])])).toEqual([
      ['t', [[0, ErrorCode.INVALID_REQUEST], [1, 0], [2, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
      ['nope', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
      ['gone', [[0, ErrorCode.NOT_LEADER_OR_FOLLOWER]]],
    ])
  })
})
