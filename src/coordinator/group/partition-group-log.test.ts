import { describe, expect, it } from 'vitest'
import { replicaFixture } from '../../../test/helpers/replica-fixture.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaError } from '../../protocol/kafka-error.js'
import { BatchHeader, CompressionType, ControlRecordType, buildBatch, encodeControlKey } from '../../protocol/records/index.js'
import type { CompressionType as Codec } from '../../protocol/records/index.js'
import { ManualClock } from '../../storage/clock.js'
import { OFFSETS_TOPIC, PartitionGroupLog, replayPartition } from './partition-group-log.js'
import { emptyGroupMetadataRecord, groupMetadataTombstone, offsetCommitRecord } from './records.js'
import type { GroupLogRecord } from './records.js'
import type { ReplayedEntry } from '../coordinator-log.js'

const commit = (group: string, offset: bigint): GroupLogRecord =>
  offsetCommitRecord(group, 'orders', 0, { offset, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: null })

async function setup(compression: Codec = CompressionType.None, maxMessageBytes?: number) {
  const f = await replicaFixture()
  await f.createTopic(OFFSETS_TOPIC, 2, maxMessageBytes === undefined ? {} : { maxMessageBytes })
  const clock = new ManualClock()
  const groupLog = new PartitionGroupLog({ partition: (p) => f.replicas.partition(OFFSETS_TOPIC, p), compression, clock })
  return { f, clock, groupLog, log: (p: number) => f.partition(OFFSETS_TOPIC, p) }
}

/** The plain records replayed (copied); markers and transactional records fail the caller's expectation. */
async function replayed(entries: AsyncIterable<ReplayedEntry>): Promise<GroupLogRecord[]> {
  const out: GroupLogRecord[] = []
  for await (const e of entries) {
    if (e.kind !== 'record' || e.producerId !== null) throw new Error(`unexpected ${e.kind} of producer ${e.producerId}`)
    out.push({ key: Buffer.from(e.key), value: e.value && Buffer.from(e.value) })
  }
  return out
}

describe('PartitionGroupLog', () => {
  it('appends each write as one batch stamped with the clock, and replays the records in order', async () => {
    const { groupLog, log, clock } = await setup()
    const first = [emptyGroupMetadataRecord('g', 5), commit('g', 3n)]
    await groupLog.append(1, first)
    await groupLog.append(1, [commit('g', 4n), groupMetadataTombstone('g')])
    expect(log(1).logEndOffset).toBe(4)
    expect(log(0).logEndOffset).toBe(0)
    const read = await log(1).read(0, 1 << 20)
    const header = BatchHeader.view(read.records, 0)
    expect([header.recordCount, header.baseTimestamp, header.producerId, header.compression]).toEqual([2, clock.now(), -1, 0])
    expect(await replayed(replayPartition(log(1)))).toEqual([...first, commit('g', 4n), groupMetadataTombstone('g')])
    expect(await replayed(replayPartition(log(0)))).toEqual([])
  })

  it('compresses with offsets.topic.compression.codec and replays compressed batches', async () => {
    const { groupLog, log } = await setup(CompressionType.Lz4)
    const records = Array.from({ length: 50 }, (_, i) => commit(`group-${i}`, BigInt(i)))
    await groupLog.append(0, records)
    const read = await log(0).read(0, 1 << 20)
    expect(BatchHeader.view(read.records, 0).compression).toBe(CompressionType.Lz4)
    expect(await replayed(replayPartition(log(0)))).toEqual(records)
  })

  it('writes transactional batches for TxnOffsetCommit and replays them with their producer and markers', async () => {
    const { groupLog, log } = await setup()
    await groupLog.append(0, [commit('g', 1n)])
    await groupLog.append(0, [commit('g', 2n)], { producerId: 9, producerEpoch: 3 })
    const read = await log(0).read(1, 1 << 20)
    const header = BatchHeader.view(read.records, 0)
    expect([header.isTransactional, header.producerId, header.producerEpoch, header.baseSequence]).toEqual([true, 9, 3, 0])
    const marker = buildBatch([{ timestamp: 1, key: encodeControlKey(ControlRecordType.Commit), value: Buffer.alloc(6) }], { control: true, transactional: true, producerId: 9, producerEpoch: 3 })
    await log(0).append(marker)
    const entries = []
    for await (const e of replayPartition(log(0))) entries.push(e.kind === 'record' ? { producerId: e.producerId, key: Buffer.from(e.key) } : e)
    expect(entries).toEqual([
      { producerId: null, key: commit('g', 1n).key },
      { producerId: 9, key: commit('g', 2n).key },
      { kind: 'marker', producerId: 9, commit: true },
    ])
  })

  it("fails with Kafka's codes: a batch over max.message.bytes, a partition without a log, a closed log", async () => {
    const { f, groupLog } = await setup(CompressionType.None, 200)
    const codeOf = (p: Promise<void>) => p.then(() => ErrorCode.NONE, (err: unknown) => (err instanceof KafkaError ? err.code : -1))
    expect(await codeOf(groupLog.append(0, Array.from({ length: 10 }, (_, i) => commit(`g${i}`, 1n))))).toBe(ErrorCode.MESSAGE_TOO_LARGE)
    expect(await codeOf(groupLog.append(7, [commit('g', 1n)]))).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    await f.logs.close()
    expect(await codeOf(groupLog.append(0, [commit('g', 1n)]))).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
  })
})
