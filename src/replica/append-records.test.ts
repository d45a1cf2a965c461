import { randomBytes } from 'node:crypto'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { replicaFixture, type ReplicaFixture } from '../../test/helpers/replica-fixture.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { PartitionProduceData, ProduceRequest } from '../protocol/generated/produce.js'
import { CompressionType, TimestampType } from '../protocol/records/attributes.js'
import { buildBatch } from '../protocol/records/batch-builder.js'
import { compressSync } from '../protocol/records/compression/index.js'
import { BatchHeader } from '../protocol/records/batch-header.js'
import type { RecordInput } from '../protocol/records/record.js'
import { appendRecords, hasPartitionErrors } from './append-records.js'
import { takeAppendTurn } from './append-turns.js'

function request(topicData: { name: string; partitionData: PartitionProduceData[] }[], acks = -1): ProduceRequest {
  return { transactionalId: null, acks, timeoutMs: 1000, topicData }
}

function records(...rs: Partial<RecordInput>[]): Buffer {
  return buildBatch(rs.map((r) => ({ timestamp: Date.now(), key: Buffer.from('k'), value: Buffer.from('v'), ...r })))
}

function append(f: ReplicaFixture, req: ProduceRequest, connection: object = {}, apiVersion = 11) {
  return appendRecords({ topics: f.topics, replicas: f.replicas, configs: f.configs, apiVersion, clientId: 'test', log: f.log }, req, takeAppendTurn(connection))
}

async function stored(f: ReplicaFixture, topic: string, p = 0): Promise<BatchHeader[]> {
  const log = f.partition(topic, p)
  const { records: bytes } = await log.read(log.logStartOffset, 1 << 20)
  const out: BatchHeader[] = []
  for (let pos = 0; pos < bytes.length; pos += BatchHeader.view(bytes, pos).sizeInBytes) out.push(BatchHeader.view(bytes, pos))
  return out
}

describe('appendRecords', () => {
  it('appends each partition and answers base offset, log append time -1 and log start offset', async () => {
    const f = await replicaFixture()
    await f.createTopic('t', 2)
    await append(f, request([{ name: 't', partitionData: [{ index: 1, records: records({}, {}) }] }]))
    const res = await append(f, request([{ name: 't', partitionData: [{ index: 0, records: records({}) }, { index: 1, records: records({}) }] }]))
    expect(res).toEqual([
      {
        name: 't',
        partitionResponses: [
          { index: 0, errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 } },
          { index: 1, errorCode: 0, baseOffset: 2n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 } },
        ],
      },
    ])
    expect(hasPartitionErrors(res)).toBe(false)
    expect((await stored(f, 't', 1)).map((h) => [h.baseOffset, h.partitionLeaderEpoch, h.crcMatches()])).toEqual([
      [0, 0, true],
      [2, 0, true],
    ])
  })

  it('stamps LogAppendTime topics once, in the validator, and reports the time', async () => {
    const f = await replicaFixture()
    await f.createTopic('lat', 1, { messageTimestampType: 'LogAppendTime' })
    const before = Date.now()
    const [topic] = await append(f, request([{ name: 'lat', partitionData: [{ index: 0, records: records({ timestamp: 5 }, { timestamp: 6 }) }] }]))
    const after = Date.now()
    const p = topic!.partitionResponses[0]!
    expect(p.errorCode).toBe(ErrorCode.NONE)
    const time = Number(p.logAppendTimeMs)
    expect(time).toBeGreaterThanOrEqual(before)
    expect(time).toBeLessThanOrEqual(after)
    const [h] = await stored(f, 'lat')
    expect([h!.timestampType, h!.maxTimestamp, h!.crcMatches()]).toEqual([TimestampType.LogAppendTime, time, true])
  })

  it('recompresses to the topic’s compression.type and appends the new batch', async () => {
    const f = await replicaFixture()
    await f.createTopic('gz', 1, {}, { compressionType: 'gzip' })
    const [topic] = await append(f, request([{ name: 'gz', partitionData: [{ index: 0, records: records({ value: Buffer.from('a') }, { value: Buffer.from('b') }) }] }]))
    expect(topic!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n })
    const [h] = await stored(f, 'gz')
    expect([h!.compression, h!.lastOffset, h!.crcMatches()]).toEqual([CompressionType.Gzip, 1, true])
  })

  it('sends record errors with the error message and the log start offset', async () => {
    const f = await replicaFixture()
    await f.createTopic('compacted', 1, { cleanupPolicy: ['compact'] })
    await append(f, request([{ name: 'compacted', partitionData: [{ index: 0, records: records({}, {}, {}) }] }]))
    await f.partition('compacted').deleteRecordsBefore(2)
    const [topic] = await append(f, request([{ name: 'compacted', partitionData: [{ index: 0, records: records({}, { key: null }) }] }]))
    const message = 'Compacted topic cannot accept message without key in topic partition compacted-0'
    expect(topic!.partitionResponses[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_RECORD,
      baseOffset: -1n,
      logStartOffset: 2n,
      recordErrors: [{ batchIndex: 1, batchIndexErrorMessage: message }],
      errorMessage: `One or more records have been rejected due to 1 record errors in total, and only showing the first three errors at most: [RecordError(batchIndex=1, message='${message}')]`,
    })
    expect(f.partition('compacted').logEndOffset).toBe(3)
  })

  it('answers INVALID_TIMESTAMP for records outside message.timestamp.before.max.ms', async () => {
    const f = await replicaFixture()
    await f.createTopic('recent', 1, { messageTimestampBeforeMaxMs: 60_000 })
    const [topic] = await append(f, request([{ name: 'recent', partitionData: [{ index: 0, records: records({}, { timestamp: 1000 }) }] }]))
    expect(topic!.partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_TIMESTAMP, recordErrors: [{ batchIndex: 1 }] })
  })

  it('answers MESSAGE_TOO_LARGE without the log start offset, as Kafka answers RecordTooLargeException', async () => {
    const f = await replicaFixture()
    await f.createTopic('small', 1, { maxMessageBytes: 100 })
    const [topic] = await append(f, request([{ name: 'small', partitionData: [{ index: 0, records: records({ value: Buffer.alloc(200) }) }] }]))
    expect(topic!.partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.MESSAGE_TOO_LARGE, logStartOffset: -1n })
  })

  it('answers NOT_LEADER_OR_FOLLOWER while a registered partition has no log (being created or deleted)', async () => {
    const f = await replicaFixture()
    const info = await f.createTopic('going', 1)
    await f.replicas.removeLogs(info)
    const [topic] = await append(f, request([{ name: 'going', partitionData: [{ index: 0, records: records({}) }] }]))
    expect(topic!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
  })

  it('keeps one partition’s failure from the others, across topics', async () => {
    const f = await replicaFixture()
    await f.createTopic('a', 2)
    await f.createTopic('b', 1, { maxMessageBytes: 100 })
    const res = await append(
      f,
      request([
        { name: 'a', partitionData: [{ index: 0, records: records({}) }, { index: 1, records: Buffer.alloc(3) }] },
        { name: 'b', partitionData: [{ index: 0, records: records({ value: Buffer.alloc(500) }) }] },
        { name: 'a', partitionData: [{ index: 2, records: records({}) }] },
      ]),
    )
    expect(res.map((t) => [t.name, t.partitionResponses.map((p) => [p.index, p.errorCode])])).toEqual([
      ['a', [[0, ErrorCode.NONE], [1, ErrorCode.INVALID_RECORD], [2, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
      ['b', [[0, ErrorCode.MESSAGE_TOO_LARGE]]],
    ])
    expect(hasPartitionErrors(res)).toBe(true)
    expect(f.partition('a', 0).logEndOffset).toBe(1)
  })

  it('appends pipelined requests of one connection in request order, however long each validation takes', async () => {
    const f = await replicaFixture()
    // Compaction makes the validator read the records: the big (incompressible) gzip batch decompresses off the main thread.
    await f.createTopic('c', 1, { cleanupPolicy: ['compact'] })
    const big = buildBatch(
      Array.from({ length: 200 }, (_, i) => ({ timestamp: Date.now(), key: Buffer.from(`k${i}`), value: randomBytes(1024) })),
      { compression: CompressionType.Gzip, compress: (type, data) => compressSync(type, data) },
    )
    const conn = {}
    const slow = append(f, request([{ name: 'c', partitionData: [{ index: 0, records: big }] }]), conn)
    const fast = append(f, request([{ name: 'c', partitionData: [{ index: 0, records: records({}) }] }]), conn)
    const [[s], [q]] = await Promise.all([slow, fast])
    expect([s!.partitionResponses[0]!.baseOffset, q!.partitionResponses[0]!.baseOffset]).toEqual([0n, 200n])
    // Another connection does not wait for this one.
    const other = append(f, request([{ name: 'c', partitionData: [{ index: 0, records: big }] }]), conn)
    const elsewhere = append(f, request([{ name: 'c', partitionData: [{ index: 0, records: records({}) }] }]), {})
    const [[o], [e]] = await Promise.all([other, elsewhere])
    expect([o!.partitionResponses[0]!.baseOffset, e!.partitionResponses[0]!.baseOffset]).toEqual([202n, 201n])
  })

  it('logs a partition error at debug with Kafka’s wording', async () => {
    const f = await replicaFixture()
    await f.createTopic('t', 1)
    const lines: Array<Record<string, unknown>> = []
    const log = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) })
    const bad = records({})
    bad[bad.length - 1]! ^= 1
    await appendRecords({ topics: f.topics, replicas: f.replicas, configs: f.configs, apiVersion: 11, clientId: null, log }, request([{ name: 't', partitionData: [{ index: 0, records: bad }] }]), takeAppendTurn({}))
    expect(lines).toMatchObject([{ level: 20, topic: 't', partition: 0, errorCode: ErrorCode.CORRUPT_MESSAGE, msg: expect.stringMatching(/^Record is corrupt \(stored crc = \d+\) in topic partition t-0\.$/) }])
  })
})
