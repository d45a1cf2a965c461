// The rest of the admin surface over the raw protocol: DescribeCluster, DescribeLogDirs,
// OffsetForLeaderEpoch, ElectLeaders, partition reassignments and DescribeTopicPartitions, with
// Kafka's answer shapes and error codes for one node that leads every partition.
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ALL_CLUSTER_OPERATIONS, ALL_TOPIC_OPERATIONS, OPERATIONS_NOT_REQUESTED } from '../src/handlers/authorized-operations.js'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { AlterPartitionReassignments } from '../src/protocol/generated/alter-partition-reassignments.js'
import { DescribeCluster } from '../src/protocol/generated/describe-cluster.js'
import { DescribeLogDirs } from '../src/protocol/generated/describe-log-dirs.js'
import { DescribeTopicPartitions } from '../src/protocol/generated/describe-topic-partitions.js'
import { ElectLeaders } from '../src/protocol/generated/elect-leaders.js'
import { ListPartitionReassignments } from '../src/protocol/generated/list-partition-reassignments.js'
import { OffsetForLeaderEpoch } from '../src/protocol/generated/offset-for-leader-epoch.js'
import { ZERO_UUID } from '../src/protocol/primitives/uuid.js'
import { buildBatch } from '../src/protocol/records/batch-builder.js'
import { tempDir, uniqueName } from './helpers/index.js'
import { brokerWithRawClient } from './helpers/raw-broker.js'

const dirs = [tempDir(), tempDir()]
const env = brokerWithRawClient({ config: { 'log.dirs': dirs.join(',') } })
const { call } = env

/** A topic with `records` one-record batches in partition 0. */
async function topicWithRecords(prefix: string, partitions: number, records: number): Promise<string> {
  const name = uniqueName(prefix)
  await env.broker.cluster.createTopic({ name, partitions })
  const log = env.broker.replicas.partition(name, 0)!
  for (let i = 0; i < records; i++) {
    await log.append(buildBatch([{ key: null, value: Buffer.from(`v${i}`), timestamp: Date.now() }], { partitionLeaderEpoch: 0 }))
  }
  return name
}

describe('DescribeCluster', () => {
  it('describes this node as the one broker and the controller (v0, v1)', async () => {
    const [host, port] = [env.broker.listeners[0]!, env.broker.cluster.advertisedEndpoints[0]!]
    for (const version of [0, 1]) {
      const res = await call(DescribeCluster, version, { includeClusterAuthorizedOperations: version === 1, endpointType: 1 })
      expect(res).toMatchObject({
        errorCode: 0,
        errorMessage: null,
        clusterId: env.broker.cluster.clusterId,
        controllerId: 1,
        brokers: [{ brokerId: 1, host: port.host, port: host.port, rack: null }],
        clusterAuthorizedOperations: version === 1 ? ALL_CLUSTER_OPERATIONS : OPERATIONS_NOT_REQUESTED,
      })
    }
    const controllers = await call(DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 })
    expect(controllers).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, brokers: [] })
  })
})

describe('DescribeLogDirs', () => {
  it('lists every log dir with its partitions and sizes, and volume bytes from v4', async () => {
    const name = await topicWithRecords('ld', 2, 3)
    const res = await call(DescribeLogDirs, 4, { topics: [{ topic: name, partitions: [0, 1, 7] }, { topic: uniqueName('none'), partitions: [0] }] })
    expect(res.errorCode).toBe(0)
    expect(res.results.map((r) => r.logDir).sort()).toEqual(dirs.map((d) => resolve(d)).sort())
    const partitions = res.results.flatMap((r) => r.topics.flatMap((t) => t.partitions.map((p) => ({ dir: r.logDir, topic: t.name, ...p }))))
    expect(partitions.map((p) => [p.topic, p.partitionIndex]).sort()).toEqual([
      [name, 0],
      [name, 1],
    ])
    const p0 = partitions.find((p) => p.partitionIndex === 0)!
    expect(p0).toMatchObject({ partitionSize: BigInt(env.broker.replicas.partition(name, 0)!.size), offsetLag: 0n, isFutureKey: false })
    expect(p0.partitionSize).toBeGreaterThan(0n)
    expect(p0.dir).toBe(resolve(env.broker.replicas.partition(name, 0)!.dir, '..'))
    for (const r of res.results) {
      expect(r.totalBytes).toBeGreaterThan(0n)
      expect(r.usableBytes).toBeGreaterThanOrEqual(0n)
      expect(r.usableBytes).toBeLessThanOrEqual(r.totalBytes)
    }
    const all = await call(DescribeLogDirs, 1, { topics: null })
    expect(all.results.flatMap((r) => r.topics.map((t) => t.name))).toContain(name)
  })
})

describe('OffsetForLeaderEpoch', () => {
  it('answers the end offset of an epoch, fencing and unknown partitions (v2-v4)', async () => {
    const name = await topicWithRecords('ofle', 1, 4)
    for (const version of [2, 3, 4]) {
      const res = await call(OffsetForLeaderEpoch, version, {
        replicaId: -1,
        topics: [
          {
            topic: name,
            partitions: [
              { partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 },
              { partition: 0, currentLeaderEpoch: -1, leaderEpoch: 3 },
              { partition: 0, currentLeaderEpoch: 1, leaderEpoch: 0 },
              { partition: 5, currentLeaderEpoch: -1, leaderEpoch: 0 },
            ],
          },
        ],
      })
      expect(res.topics[0]!.partitions).toEqual([
        { errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 4n },
        { errorCode: 0, partition: 0, leaderEpoch: -1, endOffset: -1n },
        { errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, partition: 0, leaderEpoch: -1, endOffset: -1n },
        { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partition: 5, leaderEpoch: -1, endOffset: -1n },
      ])
    }
  })
})

describe('ElectLeaders', () => {
  it('answers ELECTION_NOT_NEEDED per named partition and leaves them out of an all-partitions election', async () => {
    const name = uniqueName('elect')
    await env.broker.cluster.createTopic({ name, partitions: 2 })
    const missing = uniqueName('missing')
    const named = { topicPartitions: [{ topic: name, partitions: [0, 1, 9] }, { topic: missing, partitions: [0] }], timeoutMs: 1000 }
    const expected = [
      {
        topic: name,
        partitionResult: [
          { partitionId: 0, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' },
          { partitionId: 1, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' },
          { partitionId: 9, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such partition as ${name}-9` },
        ],
      },
      { topic: missing, partitionResult: [{ partitionId: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such topic as ${missing}` }] },
    ]
    expect((await call(ElectLeaders, 0, { electionType: 0, ...named })).replicaElectionResults).toEqual(expected)
    for (const version of [1, 2]) {
      for (const electionType of [0, 1]) {
        expect(await call(ElectLeaders, version, { electionType, ...named })).toEqual({ throttleTimeMs: 0, errorCode: 0, replicaElectionResults: expected })
      }
    }
    expect(await call(ElectLeaders, 2, { electionType: 0, topicPartitions: null, timeoutMs: 1000 })).toEqual({ throttleTimeMs: 0, errorCode: 0, replicaElectionResults: [] })
  })
})

describe('partition reassignments', () => {
  it('keeps a partition on this node, refuses other brokers and cancels nothing; lists none', async () => {
    const name = uniqueName('reassign')
    await env.broker.cluster.createTopic({ name, partitions: 1 })
    const missing = uniqueName('missing')
    const res = await call(AlterPartitionReassignments, 0, {
      timeoutMs: 1000,
      topics: [
        {
          name,
          partitions: [
            { partitionIndex: 0, replicas: [1] },
            { partitionIndex: 0, replicas: [1, 2] },
            { partitionIndex: 0, replicas: [] },
            { partitionIndex: 0, replicas: null },
            { partitionIndex: 3, replicas: [1] },
          ],
        },
        { name: missing, partitions: [{ partitionIndex: 0, replicas: [1] }] },
      ],
    })
    expect(res).toMatchObject({ errorCode: 0, errorMessage: null })
    expect(res.responses.map((t) => t.partitions.map((p) => [p.partitionIndex, p.errorCode, p.errorMessage]))).toEqual([
      [
        [0, 0, null],
        [0, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 2, but no such broker is registered.'],
        [0, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.'],
        [0, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, 'No partition reassignment is in progress.'],
        [3, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find partition ${name}:3.`],
      ],
      [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find a topic named ${missing}.`]],
    ])
    expect(env.broker.cluster.topics.get(name)!.partitions).toBe(1)
    for (const topics of [null, [{ name, partitionIndexes: [0] }]]) {
      expect(await call(ListPartitionReassignments, 0, { timeoutMs: 1000, topics })).toEqual({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [] })
    }
  })
})

describe('DescribeTopicPartitions', () => {
  it('pages through topics in name order with a partition limit and a cursor', async () => {
    const prefix = uniqueName('dtp')
    const [a, b, c] = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]
    await env.broker.cluster.createTopic({ name: a, partitions: 3 })
    await env.broker.cluster.createTopic({ name: b, partitions: 2 })
    await env.broker.cluster.createTopic({ name: c, partitions: 1 })
    const page = (limit: number, cursor: { topicName: string; partitionIndex: number } | null) =>
      call(DescribeTopicPartitions, 0, { topics: [c, a, b].map((name) => ({ name })), responsePartitionLimit: limit, cursor })
    const first = await page(2, null)
    expect(first.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])).toEqual([[a, [0, 1]]])
    expect(first.nextCursor).toEqual({ topicName: a, partitionIndex: 2 })
    expect(first.topics[0]).toMatchObject({
      errorCode: 0,
      topicId: env.broker.cluster.topics.get(a)!.topicId,
      isInternal: false,
      topicAuthorizedOperations: ALL_TOPIC_OPERATIONS,
    })
    expect(first.topics[0]!.partitions[0]).toEqual({
      errorCode: 0,
      partitionIndex: 0,
      leaderId: 1,
      leaderEpoch: 0,
      replicaNodes: [1],
      isrNodes: [1],
      eligibleLeaderReplicas: [],
      lastKnownElr: [],
      offlineReplicas: [],
    })
    const second = await page(3, first.nextCursor)
    expect(second.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])).toEqual([
      [a, [2]],
      [b, [0, 1]],
    ])
    expect(second.nextCursor).toEqual({ topicName: c, partitionIndex: 0 })
    const last = await page(100, second.nextCursor)
    expect(last.topics.map((t) => t.name)).toEqual([c])
    expect(last.nextCursor).toBeNull()
    const missing = `${prefix}-zz`
    const unknown = await call(DescribeTopicPartitions, 0, { topics: [{ name: missing }, { name: 'bad name!' }], responsePartitionLimit: 10, cursor: null })
    expect(unknown.topics.map((t) => [t.name, t.errorCode, t.topicId, t.partitions])).toEqual([
      ['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION, ZERO_UUID, []],
      [missing, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ZERO_UUID, []],
    ])
    const everything = await call(DescribeTopicPartitions, 0, { topics: [], responsePartitionLimit: 2000, cursor: { topicName: b, partitionIndex: 1 } })
    expect(everything.topics.slice(0, 2).map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])).toEqual([
      [b, [1]],
      [c, [0]],
    ])
  })
})
