// Topic administration over the raw protocol: exact error codes and messages of CreateTopics,
// DeleteTopics, CreatePartitions, DeleteRecords and Metadata auto-creation, as Kafka answers them.
import { describe, expect, it } from 'vitest'
import { ConfigSource } from '../src/config/config-source.js'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { CreatePartitions } from '../src/protocol/generated/create-partitions.js'
import { CreateTopics } from '../src/protocol/generated/create-topics.js'
import type { CreatableTopic, CreateTopicsResponse } from '../src/protocol/generated/create-topics.js'
import { DeleteRecords } from '../src/protocol/generated/delete-records.js'
import { DeleteTopics } from '../src/protocol/generated/delete-topics.js'
import { Metadata } from '../src/protocol/generated/metadata.js'
import { ZERO_UUID, randomUuid } from '../src/protocol/primitives/uuid.js'
import { buildBatch } from '../src/protocol/records/batch-builder.js'
import { uniqueName } from './helpers/index.js'
import { startTestBroker } from './helpers/broker.js'
import { brokerWithRawClient } from './helpers/raw-broker.js'
import { RawClient } from './helpers/raw-client.js'

const env = brokerWithRawClient({ config: { 'num.partitions': '3', 'log.retention.hours': '2' } })
const { call } = env

function topic(name: string, extra: Partial<CreatableTopic> = {}): CreatableTopic {
  return { name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [], ...extra }
}

async function create(version: number, topics: CreatableTopic[], validateOnly = false): Promise<CreateTopicsResponse['topics']> {
  return (await call(CreateTopics, version, { topics, timeoutMs: 5000, validateOnly })).topics
}

/** [name, errorCode, errorMessage] of each result. */
const outcomes = (topics: readonly { name: string | null; errorCode: number; errorMessage: string | null }[]) =>
  topics.map((t) => [t.name, t.errorCode, t.errorMessage])

describe('CreateTopics', () => {
  it('creates a topic with its logs and answers its id, partitions, replication factor and configs (v7)', async () => {
    const name = uniqueName('created')
    const [result] = await create(7, [
      topic(name, { numPartitions: 2, configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '2097152' }] }),
    ])
    const info = env.broker.cluster.topics.get(name)!
    expect(result).toMatchObject({ name, topicId: info.topicId, errorCode: 0, errorMessage: null, numPartitions: 2, replicationFactor: 1 })
    expect(info).toMatchObject({ partitions: 2, configs: { 'cleanup.policy': 'compact', 'segment.bytes': '2097152' } })
    const configs = new Map(result!.configs!.map((c) => [c.name, c]))
    expect(result!.configs!.map((c) => c.name)).toEqual([...configs.keys()].sort())
    expect(configs.get('cleanup.policy')).toEqual({
      name: 'cleanup.policy',
      value: 'compact',
      readOnly: false,
      configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG,
      isSensitive: false,
    })
    expect(configs.get('retention.ms')).toMatchObject({ value: '7200000', configSource: ConfigSource.STATIC_BROKER_CONFIG })
    expect(configs.get('max.message.bytes')).toMatchObject({ value: '1048588', configSource: ConfigSource.DEFAULT_CONFIG })
    // The storage runs with the topic's effective config.
    for (const p of [0, 1]) {
      expect(env.broker.replicas.partition(name, p)!.config).toMatchObject({ cleanupPolicy: ['compact'], segmentBytes: 2097152, retentionMs: 7200000 })
    }
  })

  it('takes num.partitions and default.replication.factor for -1, and answers v2 without configs', async () => {
    const name = uniqueName('defaults')
    const [result] = await create(2, [topic(name, { numPartitions: -1, replicationFactor: -1 })])
    expect(result).toMatchObject({ name, errorCode: 0, errorMessage: null })
    expect(env.broker.cluster.topics.get(name)?.partitions).toBe(3)
    expect(env.broker.replicas.partition(name, 2)).toBeDefined()
  })

  it("refuses bad names, replication factors, partition counts and configs with Kafka's codes and messages", async () => {
    const ok = uniqueName('ok')
    const results = await create(5, [
      topic('bad name'),
      topic('x'.repeat(250)),
      topic(uniqueName('rf3'), { replicationFactor: 3 }),
      topic(uniqueName('rf0'), { replicationFactor: 0 }),
      topic(uniqueName('p0'), { numPartitions: 0 }),
      topic(uniqueName('cfg'), { configs: [{ name: 'retention.ms', value: 'forever' }] }),
      topic(uniqueName('cfg'), { configs: [{ name: 'retention.mss', value: '1' }] }),
      topic(uniqueName('cfg'), { configs: [{ name: 'retention.ms', value: null }] }),
      topic(uniqueName('cfg'), { configs: [{ name: 'remote.storage.enable', value: 'true' }] }),
      topic('__consumer_offsets'),
      topic(ok),
    ])
    expect(outcomes(results).slice(0, 2)).toEqual([
      ['bad name', ErrorCode.INVALID_TOPIC_EXCEPTION, expect.stringContaining('illegal')],
      ['x'.repeat(250), ErrorCode.INVALID_TOPIC_EXCEPTION, expect.stringContaining('249')],
    ])
    expect(outcomes(results).slice(2).map(([, code, message]) => [code, message])).toEqual([
      [
        ErrorCode.INVALID_REPLICATION_FACTOR,
        'Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.',
      ],
      [ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.'],
      [ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.'],
      [ErrorCode.INVALID_CONFIG, 'Invalid value forever for configuration retention.ms: Not a number of type LONG'],
      [ErrorCode.INVALID_CONFIG, 'Unknown topic config name: retention.mss'],
      [ErrorCode.INVALID_CONFIG, 'Null value not supported for topic configs: retention.ms'],
      [ErrorCode.INVALID_CONFIG, 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.'],
      [ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic '__consumer_offsets' is internal: the broker creates it when it is first needed."],
      [ErrorCode.NONE, null],
    ])
    expect(results[2]).toMatchObject({ numPartitions: -1, replicationFactor: -1, configs: [] })
    expect([...env.broker.cluster.topics.list()].filter((t) => /rf3|rf0|p0|cfg|__consumer/.test(t.name))).toEqual([])
    expect(env.broker.cluster.topics.get(ok)).toBeDefined()
  })

  it('answers TOPIC_ALREADY_EXISTS, collisions, and every duplicated name once with INVALID_REQUEST', async () => {
    const existing = uniqueName('exists.dot')
    await create(7, [topic(existing)])
    const dup = uniqueName('dup')
    const fresh = uniqueName('fresh')
    const results = await create(7, [topic(dup), topic(existing), topic(existing.replace('.', '_')), topic(dup), topic(fresh), topic(dup)])
    expect(outcomes(results)).toEqual([
      [existing, ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${existing}' already exists.`],
      [existing.replace('.', '_'), ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${existing.replace('.', '_')}' collides with existing topic: ${existing}`],
      [fresh, ErrorCode.NONE, null],
      [dup, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
    ])
    expect(env.broker.cluster.topics.get(dup)).toBeUndefined()
  })

  it('places partitions by manual assignment on this node only, with Kafka checks', async () => {
    const name = uniqueName('manual')
    const assign = (...lists: number[][]) => lists.map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds }))
    const manual = { numPartitions: -1, replicationFactor: -1 }
    const results = await create(7, [
      topic(name, { ...manual, assignments: assign([1], [1]) }),
      topic(uniqueName('m'), { ...manual, assignments: assign([2]) }),
      topic(uniqueName('m'), { ...manual, assignments: assign([1, 1]) }),
      topic(uniqueName('m'), { ...manual, assignments: assign([]) }),
      topic(uniqueName('m'), { ...manual, assignments: [{ partitionIndex: 1, brokerIds: [1] }] }),
      topic(uniqueName('m'), { numPartitions: 2, replicationFactor: -1, assignments: assign([1]) }),
      topic(uniqueName('m'), { numPartitions: -1, replicationFactor: 1, assignments: assign([1]) }),
    ])
    expect(results[0]).toMatchObject({ errorCode: 0, numPartitions: 2, replicationFactor: 1 })
    expect(env.broker.cluster.topics.get(name)?.partitions).toBe(2)
    expect(outcomes(results.slice(1)).map(([, code, message]) => [code, message])).toEqual([
      [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 2, but no such broker is registered.'],
      [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes the broker 1 more than once.'],
      [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.'],
      [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'partitions should be a consecutive 0-based integer sequence'],
      [ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but numPartitions was not set to -1.'],
      [ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but replication factor was not set to -1.'],
    ])
  })

  it('validates only, creating nothing, and refuses an excessively large request', async () => {
    const name = uniqueName('dry')
    const [dry] = await create(7, [topic(name, { numPartitions: 4, configs: [{ name: 'retention.ms', value: '1000' }] })], true)
    expect(dry).toMatchObject({ name, topicId: ZERO_UUID, errorCode: 0, numPartitions: 4, replicationFactor: 1 })
    expect(dry!.configs!.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '1000', configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG })
    expect(env.broker.cluster.topics.get(name)).toBeUndefined()
    expect(env.broker.replicas.partition(name, 0)).toBeUndefined()

    const huge = await create(7, [topic(uniqueName('huge'), { numPartitions: 10000 }), topic(uniqueName('small'))], true)
    expect(outcomes(huge).map(([, code, message]) => [code, message])).toEqual([
      [ErrorCode.POLICY_VIOLATION, 'Unable to perform excessively large batch operation.'],
      [ErrorCode.POLICY_VIOLATION, 'Unable to perform excessively large batch operation.'],
    ])
  })
})

describe('DeleteTopics', () => {
  it('deletes by name (v1, v5) and by id (v6), with logs, and answers unknown topics', async () => {
    const [a, b, c] = [uniqueName('del-a'), uniqueName('del-b'), uniqueName('del-c')]
    await create(7, [topic(a, { numPartitions: 2 }), topic(b), topic(c)])
    const idB = env.broker.cluster.topics.get(b)!.topicId
    const v1 = await call(DeleteTopics, 1, { topics: [], topicNames: [a, 'nope'], timeoutMs: 5000 })
    expect(v1.responses.map((r) => [r.name, r.errorCode])).toEqual([
      [a, ErrorCode.NONE],
      ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ])
    expect(env.broker.cluster.topics.get(a)).toBeUndefined()
    expect(env.broker.replicas.partition(a, 0)).toBeUndefined()
    const v5 = await call(DeleteTopics, 5, { topics: [], topicNames: ['nope'], timeoutMs: 5000 })
    expect(outcomes(v5.responses)).toEqual([['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.']])

    const unknownId = randomUuid()
    const v6 = await call(DeleteTopics, 6, {
      topics: [
        { name: null, topicId: idB },
        { name: null, topicId: unknownId },
        { name: c, topicId: ZERO_UUID },
      ],
      topicNames: [],
      timeoutMs: 5000,
    })
    expect(v6.responses).toEqual([
      { name: c, topicId: expect.any(String), errorCode: 0, errorMessage: null },
      { name: b, topicId: idB, errorCode: 0, errorMessage: null },
      { name: null, topicId: unknownId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'This server does not host this topic ID.' },
    ])
    expect(env.broker.cluster.topics.get(b)).toBeUndefined()
    expect(env.broker.cluster.topics.get(c)).toBeUndefined()
  })

  it('refuses malformed v6 requests and internal topics as invalid', async () => {
    const [x, y] = [uniqueName('keep-x'), uniqueName('keep-y')]
    await create(7, [topic(x), topic(y)])
    await env.broker.cluster.createTopic({ name: '__transaction_state', partitions: 1 })
    const idX = env.broker.cluster.topics.get(x)!.topicId
    const idY = env.broker.cluster.topics.get(y)!.topicId
    const { responses } = await call(DeleteTopics, 6, {
      topics: [
        { name: null, topicId: ZERO_UUID },
        { name: x, topicId: idX },
        { name: y, topicId: ZERO_UUID },
        { name: y, topicId: ZERO_UUID },
        { name: null, topicId: idY },
        { name: null, topicId: idY },
        { name: '__transaction_state', topicId: ZERO_UUID },
      ],
      topicNames: [],
      timeoutMs: 5000,
    })
    expect(outcomes(responses)).toEqual([
      [null, ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.'],
      [x, ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.'],
      [y, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
      [null, ErrorCode.INVALID_REQUEST, 'Duplicate topic id.'],
      ['__transaction_state', ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic '__transaction_state' is internal: the broker owns it and it cannot be deleted."],
    ])
    expect(env.broker.cluster.topics.get(x)).toBeDefined()
    expect(env.broker.cluster.topics.get(y)).toBeDefined()

    const pair = await call(DeleteTopics, 6, {
      topics: [
        { name: null, topicId: idX },
        { name: x, topicId: ZERO_UUID },
      ],
      topicNames: [],
      timeoutMs: 5000,
    })
    expect(outcomes(pair.responses)).toEqual([[x, ErrorCode.INVALID_REQUEST, 'The provided topic name maps to an ID that was already supplied.']])
  })

  it('answers TOPIC_DELETION_DISABLED (v3+) or INVALID_REQUEST (v1-2) when delete.topic.enable is false', async () => {
    const off = await startTestBroker({ config: { 'delete.topic.enable': 'false' } })
    const c = await RawClient.connect(off.bootstrap)
    try {
      await off.cluster.createTopic({ name: 'stays', partitions: 1 })
      c.send(DeleteTopics, 6, { topics: [{ name: 'stays', topicId: ZERO_UUID }], topicNames: [], timeoutMs: 1000 })
      expect((await c.receive(DeleteTopics, 6)).body.responses.map((r) => [r.name, r.errorCode])).toEqual([['stays', ErrorCode.TOPIC_DELETION_DISABLED]])
      c.send(DeleteTopics, 2, { topics: [], topicNames: ['stays'], timeoutMs: 1000 })
      expect((await c.receive(DeleteTopics, 2)).body.responses.map((r) => [r.name, r.errorCode])).toEqual([['stays', ErrorCode.INVALID_REQUEST]])
      expect(off.cluster.topics.get('stays')).toBeDefined()
    } finally {
      c.close()
      await off.close()
    }
  })
})

describe('CreatePartitions', () => {
  it('only increases, with Kafka messages, validate-only and manual assignments', async () => {
    const name = uniqueName('grow')
    await create(7, [topic(name, { numPartitions: 2 })])
    const req = (topics: { name: string; count: number; assignments: { brokerIds: number[] }[] | null }[], validateOnly = false) =>
      call(CreatePartitions, 3, { topics, timeoutMs: 5000, validateOnly })

    const dry = await req([{ name, count: 4, assignments: null }], true)
    expect(outcomes(dry.results)).toEqual([[name, ErrorCode.NONE, null]])
    expect(env.broker.cluster.topics.get(name)?.partitions).toBe(2)

    const grown = await req([{ name, count: 4, assignments: [{ brokerIds: [1] }, { brokerIds: [1] }] }])
    expect(outcomes(grown.results)).toEqual([[name, ErrorCode.NONE, null]])
    expect(env.broker.cluster.topics.get(name)?.partitions).toBe(4)
    expect(env.broker.replicas.partition(name, 3)).toBeDefined()

    const refused = await req([
      { name, count: 4, assignments: null },
      { name: 'nope', count: 2, assignments: null },
    ])
    expect(outcomes(refused.results)).toEqual([
      [name, ErrorCode.INVALID_PARTITIONS, 'Topic already has 4 partition(s).'],
      ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null],
    ])
    const shrink = await req([{ name, count: 3, assignments: null }])
    expect(outcomes(shrink.results)).toEqual([[name, ErrorCode.INVALID_PARTITIONS, `The topic ${name} currently has 4 partition(s); 3 would not be an increase.`]])
    const wrongCount = await req([{ name, count: 6, assignments: [{ brokerIds: [1] }] }])
    expect(outcomes(wrongCount.results)).toEqual([
      [name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.'],
    ])
    const elsewhere = await req([{ name, count: 5, assignments: [{ brokerIds: [7] }] }])
    expect(outcomes(elsewhere.results)).toEqual([
      [name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 7, but no such broker is registered.'],
    ])
    const dup = await req([
      { name, count: 9, assignments: null },
      { name, count: 9, assignments: null },
    ])
    expect(outcomes(dup.results)).toEqual([[name, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.']])
    expect(env.broker.cluster.topics.get(name)?.partitions).toBe(4)
  })
})

describe('DeleteRecords', () => {
  it('moves the log start offset up to an offset or the high watermark, and refuses what Kafka refuses', async () => {
    const name = uniqueName('trim')
    const compacted = uniqueName('compacted')
    await create(7, [topic(name, { numPartitions: 2 }), topic(compacted, { configs: [{ name: 'cleanup.policy', value: 'compact' }] })])
    const records = Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp: Date.now() }))
    await env.broker.replicas.partition(name, 0)!.append(buildBatch(records, { partitionLeaderEpoch: 0 }))
    const del = (t: string, partitions: { partitionIndex: number; offset: bigint }[], version = 2) =>
      call(DeleteRecords, version, { topics: [{ name: t, partitions }], timeoutMs: 5000 })

    expect((await del(name, [{ partitionIndex: 0, offset: 4n }])).topics).toEqual([
      { name, partitions: [{ partitionIndex: 0, lowWatermark: 4n, errorCode: 0 }] },
    ])
    expect(env.broker.replicas.partition(name, 0)!.logStartOffset).toBe(4)
    const earlier = await del(name, [{ partitionIndex: 0, offset: 2n }], 0)
    expect(earlier.topics[0]!.partitions).toEqual([{ partitionIndex: 0, lowWatermark: 4n, errorCode: 0 }])
    const refused = await del(name, [
      { partitionIndex: 0, offset: 11n },
      { partitionIndex: 0, offset: -2n },
      { partitionIndex: 1, offset: -1n },
      { partitionIndex: 2, offset: 0n },
    ])
    expect(refused.topics[0]!.partitions).toEqual([
      { partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE },
      { partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE },
      { partitionIndex: 1, lowWatermark: 0n, errorCode: 0 },
      { partitionIndex: 2, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
    ])
    expect((await del(name, [{ partitionIndex: 0, offset: -1n }])).topics[0]!.partitions).toEqual([{ partitionIndex: 0, lowWatermark: 10n, errorCode: 0 }])
    expect((await del(compacted, [{ partitionIndex: 0, offset: -1n }])).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.POLICY_VIOLATION)
    await env.broker.cluster.createTopic({ name: '__consumer_offsets', partitions: 1 })
    expect((await del('__consumer_offsets', [{ partitionIndex: 0, offset: -1n }])).topics[0]!.partitions[0]!.errorCode).toBe(
      ErrorCode.INVALID_TOPIC_EXCEPTION,
    )
  })
})

describe('Metadata auto-creation', () => {
  const ask = (version: number, names: string[], allowAutoTopicCreation: boolean) =>
    call(Metadata, version, {
      topics: names.map((name) => ({ name, topicId: ZERO_UUID })),
      allowAutoTopicCreation,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    })

  it('creates missing topics with num.partitions, answering UNKNOWN_TOPIC_OR_PARTITION first as Kafka', async () => {
    const name = uniqueName('auto')
    const first = await ask(9, [name, 'bad name!'], true)
    expect(first.topics.map((t) => [t.name, t.errorCode, t.topicId, t.partitions.length])).toEqual([
      [name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ZERO_UUID, 0],
      ['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION, ZERO_UUID, 0],
    ])
    const again = await ask(9, [name], true)
    expect(again.topics.map((t) => [t.name, t.errorCode, t.partitions.length])).toEqual([[name, ErrorCode.NONE, 3]])
    expect(env.broker.replicas.partition(name, 2)).toBeDefined()
  })

  it('always auto-creates for v0-3, and per the flag from v4', async () => {
    const [v1, v4no, v4yes] = [uniqueName('v1'), uniqueName('v4no'), uniqueName('v4yes')]
    await ask(1, [v1], false)
    await ask(4, [v4no], false)
    await ask(4, [v4yes], true)
    expect(env.broker.cluster.topics.get(v1)).toBeDefined()
    expect(env.broker.cluster.topics.get(v4no)).toBeUndefined()
    expect(env.broker.cluster.topics.get(v4yes)).toBeDefined()
  })

  it('does not auto-create internal topics, nor any topic when auto.create.topics.enable is false', async () => {
    const internal = ['__consumer_offsets', '__transaction_state']
    const fresh = await startTestBroker()
    const off = await startTestBroker({ config: { 'auto.create.topics.enable': 'false' } })
    const [a, b] = await Promise.all([RawClient.connect(fresh.bootstrap), RawClient.connect(off.bootstrap)])
    const request = (names: string[]) => ({
      topics: names.map((name) => ({ name, topicId: ZERO_UUID })),
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    })
    try {
      a.send(Metadata, 9, request(internal))
      expect((await a.receive(Metadata, 9)).body.topics.map((t) => [t.name, t.errorCode, t.isInternal])).toEqual([
        ['__consumer_offsets', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, true],
        ['__transaction_state', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, true],
      ])
      expect(fresh.cluster.topics.size).toBe(0)
      b.send(Metadata, 1, request(['wanted']))
      expect((await b.receive(Metadata, 1)).body.topics.map((t) => [t.name, t.errorCode])).toEqual([['wanted', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]])
      expect(off.cluster.topics.size).toBe(0)
    } finally {
      a.close()
      b.close()
      await Promise.all([fresh.close(), off.close()])
    }
  })
})
