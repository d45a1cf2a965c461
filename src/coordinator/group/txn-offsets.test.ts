import { describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { MemoryGroupLog, groupFixture } from '../../../test/helpers/group-fixture.js'
import { ManualClock } from '../../storage/clock.js'
import { GroupCoordinator } from './group-coordinator.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { TxnOffsetCommitRequest } from '../../protocol/generated/txn-offset-commit.js'
import { OFFSETS_TOPIC } from './partition-group-log.js'
import { decodeRecord, offsetCommitRecord, offsetCommitTombstone } from './records.js'

const txnCommit = (groupId: string, offset: bigint, producerId = 5n, overrides: Partial<TxnOffsetCommitRequest> = {}): TxnOffsetCommitRequest => ({
  transactionalId: 'tx',
  groupId,
  producerId,
  producerEpoch: 0,
  generationId: -1,
  memberId: '',
  groupInstanceId: null,
  topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: 'm' }] }],
  ...overrides,
})

const fetched = (coordinator: Awaited<ReturnType<typeof groupFixture>>['coordinator'], groupId: string, requireStable: boolean) =>
  coordinator.fetchOffsets(groupId, [{ name: 'orders', partitionIndexes: [0] }], requireStable).topics[0]!.partitions[0]!

describe('transactional offset commits', () => {
  it('stay pending (UNSTABLE_OFFSET_COMMIT with require_stable) until the COMMIT marker lands on their partition', async () => {
    const { coordinator } = await groupFixture()
    const res = await coordinator.commitTxnOffsets(txnCommit('g', 12n), 4)
    expect(res.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE)
    expect(fetched(coordinator, 'g', false)).toMatchObject({ errorCode: 0, committedOffset: -1n })
    expect(fetched(coordinator, 'g', true).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT)
    // A marker elsewhere (another partition, another producer) changes nothing.
    const partition = coordinator.partitionFor('g')
    coordinator.onTransactionMarker(OFFSETS_TOPIC, (partition + 1) % 4, 5, true)
    coordinator.onTransactionMarker(OFFSETS_TOPIC, partition, 6, true)
    expect(fetched(coordinator, 'g', true).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT)
    coordinator.onTransactionMarker(OFFSETS_TOPIC, partition, 5, true)
    expect(fetched(coordinator, 'g', true)).toMatchObject({ errorCode: 0, committedOffset: 12n, metadata: 'm' })
  })

  it('are dropped by an ABORT marker', async () => {
    const { coordinator } = await groupFixture()
    await coordinator.commitTxnOffsets(txnCommit('g', 12n), 4)
    coordinator.onTransactionMarker(OFFSETS_TOPIC, coordinator.partitionFor('g'), 5, false)
    expect(fetched(coordinator, 'g', true)).toMatchObject({ errorCode: 0, committedOffset: -1n })
  })

  it('are settled at load time by the markers that follow them in the log; those without one stay pending', async () => {
    const { coordinator: first } = await groupFixture({ load: false })
    const record = (group: string, offset: bigint) => offsetCommitRecord(group, 'orders', 0, { offset, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: null })
    const partition = first.partitionFor('a')
    const [b, c] = Array.from({ length: 40 }, (_, i) => `group-${i}`).filter((g) => first.partitionFor(g) === partition) as [string, string]
    await first.loadPartition(partition, [
      { kind: 'record', ...record('a', 3n), producerId: 1 },
      { kind: 'record', ...record(b, 4n), producerId: 2 },
      { kind: 'record', ...record(c, 5n), producerId: 3 },
      { kind: 'marker', producerId: 1, commit: true },
      { kind: 'marker', producerId: 2, commit: false },
    ])
    expect(fetched(first, 'a', true)).toMatchObject({ errorCode: 0, committedOffset: 3n })
    expect(fetched(first, b, true)).toMatchObject({ errorCode: 0, committedOffset: -1n })
    expect(fetched(first, c, true).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT)
    first.onTransactionMarker(OFFSETS_TOPIC, partition, 3, true)
    expect(fetched(first, c, true)).toMatchObject({ errorCode: 0, committedOffset: 5n })
  })

  it('are settled by a marker that lands while their partition is replayed, after the replay read its end', async () => {
    const { coordinator } = await groupFixture({ load: false })
    const partition = coordinator.partitionFor('g')
    let finish: () => void = () => {}
    const gate = new Promise<void>((resolve) => (finish = resolve))
    const record = offsetCommitRecord('g', 'orders', 0, { offset: 8n, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: null })
    const loading = coordinator.loadPartition(partition, (async function* () {
      yield { kind: 'record' as const, ...record, producerId: 4 }
      await gate
    })())
    await new Promise((resolve) => setImmediate(resolve))
    coordinator.onTransactionMarker(OFFSETS_TOPIC, partition, 4, true)
    finish()
    await loading
    expect(fetched(coordinator, 'g', true)).toMatchObject({ errorCode: 0, committedOffset: 8n })
  })

  it('are refused for unknown partitions, an empty group id and a member that is not in the group', async () => {
    const { coordinator, groupLog } = await groupFixture()
    const code = async (req: TxnOffsetCommitRequest) => (await coordinator.commitTxnOffsets(req, 4)).topics[0]!.partitions[0]!.errorCode
    expect(await code({ ...txnCommit('g', 1n), topics: [{ name: 'nope', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }] })).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(await code(txnCommit('', 1n))).toBe(ErrorCode.INVALID_GROUP_ID)
    expect(await code(txnCommit('g', 1n, 5n, { memberId: 'stranger', generationId: 1 }))).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(groupLog.all()).toHaveLength(0)
    expect(fetched(coordinator, 'g', true).errorCode).toBe(ErrorCode.NONE)
  })

  it('die with their group: a group deleted before the COMMIT marker does not come back', async () => {
    const { coordinator } = await groupFixture()
    await coordinator.commitTxnOffsets(txnCommit('g', 12n), 4)
    expect(await coordinator.deleteGroups(['g'])).toEqual([{ groupId: 'g', errorCode: ErrorCode.NONE }])
    coordinator.onTransactionMarker(OFFSETS_TOPIC, coordinator.partitionFor('g'), 5, true)
    expect(coordinator.groupState('g')).toBeUndefined()
    expect(fetched(coordinator, 'g', false).committedOffset).toBe(-1n)
  })

  it("are deleted by OffsetDelete for every producer, on the deleted partitions only, as Kafka's removeOffsets", async () => {
    const { coordinator, groupLog } = await groupFixture()
    const two = (offset: bigint, producerId: bigint): TxnOffsetCommitRequest => ({
      ...txnCommit('g', offset, producerId),
      topics: [{ name: 'orders', partitions: [0, 1].map((partitionIndex) => ({ partitionIndex, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null })) }],
    })
    await coordinator.commitTxnOffsets(two(12n, 5n), 4)
    await coordinator.commitTxnOffsets(two(13n, 6n), 4)
    const r = await coordinator.deleteOffsets({ groupId: 'g', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] })
    expect(r.errorCode).toBe(ErrorCode.NONE)
    // No committed offset existed, but the tombstone is written so that replay drops the pending ones too.
    expect(decodeRecord(groupLog.all().at(-1)!)).toEqual({ type: 'offset', group: 'g', topic: 'orders', partition: 0, value: null })
    const stable = () => coordinator.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0, 1] }], true).topics[0]!.partitions
    expect(stable().map((p) => p.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNSTABLE_OFFSET_COMMIT])
    const partition = coordinator.partitionFor('g')
    coordinator.onTransactionMarker(OFFSETS_TOPIC, partition, 5, true)
    coordinator.onTransactionMarker(OFFSETS_TOPIC, partition, 6, true)
    expect(stable().map((p) => [p.errorCode, p.committedOffset])).toEqual([[0, -1n], [0, 13n]])
  })

  it('are dropped on replay by a tombstone that follows them, so their COMMIT marker commits nothing', async () => {
    const { coordinator } = await groupFixture({ load: false })
    const partition = coordinator.partitionFor('g')
    await coordinator.loadPartition(partition, [
      { kind: 'record', ...offsetCommitRecord('g', 'orders', 0, { offset: 3n, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: null }), producerId: 1 },
      { kind: 'record', ...offsetCommitTombstone('g', 'orders', 0), producerId: null },
      { kind: 'marker', producerId: 1, commit: true },
    ])
    expect(fetched(coordinator, 'g', true)).toMatchObject({ errorCode: 0, committedOffset: -1n })
  })

  it('do not outlive their group: one created again after DeleteGroups does not take them', async () => {
    const { coordinator } = await groupFixture()
    await coordinator.commitTxnOffsets(txnCommit('g', 12n), 4)
    expect(await coordinator.deleteGroups(['g'])).toEqual([{ groupId: 'g', errorCode: ErrorCode.NONE }])
    const plain = { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: 20n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' }] }] }
    expect((await coordinator.commitOffsets(plain, 8)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE)
    expect(fetched(coordinator, 'g', true).errorCode).toBe(ErrorCode.NONE)
    coordinator.onTransactionMarker(OFFSETS_TOPIC, coordinator.partitionFor('g'), 5, true)
    expect(fetched(coordinator, 'g', true).committedOffset).toBe(-1n)
  })

  it('keep an empty group from expiring, as Kafka counts them among its offsets', async () => {
    const { coordinator, clock } = await groupFixture({ config: { offsetsRetentionMs: 60_000 } })
    await coordinator.commitTxnOffsets(txnCommit('g', 12n), 4)
    await clock.advance(120_000)
    await coordinator.expireOffsets()
    expect(coordinator.groupState('g')).toBe('Empty')
    coordinator.onTransactionMarker(OFFSETS_TOPIC, coordinator.partitionFor('g'), 5, true)
    expect(fetched(coordinator, 'g', true).committedOffset).toBe(12n)
  })

  it('are not left pending when their write fails', async () => {
    const { coordinator, groupLog } = await groupFixture()
    groupLog.failWith(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    expect((await coordinator.commitTxnOffsets(txnCommit('g', 1n), 4)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect(fetched(coordinator, 'g', true).errorCode).toBe(ErrorCode.NONE)
  })
})

describe('transactional offsets beside plain commits', () => {
  it('a committed transaction does not replace a plain commit written after its offset, as in Kafka', async () => {
    const { coordinator } = await groupFixture()
    await coordinator.commitTxnOffsets(txnCommit('g', 12n), 4)
    await coordinator.commitTxnOffsets(txnCommit('h', 12n), 4)
    const plain = (groupId: string) => ({
      groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 20n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' }] }],
    })
    expect((await coordinator.commitOffsets(plain('g'), 8)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE)
    coordinator.onTransactionMarker(OFFSETS_TOPIC, coordinator.partitionFor('g'), 5, true)
    coordinator.onTransactionMarker(OFFSETS_TOPIC, coordinator.partitionFor('h'), 5, true)
    expect(fetched(coordinator, 'g', true).committedOffset).toBe(20n)
    expect(fetched(coordinator, 'h', true).committedOffset).toBe(12n)
  })
})

describe('transactional offsets and the transaction coordinator (KIP-890)', () => {
  it("are refused, and nothing written, when the group's partition is not in the producer's transaction", async () => {
    const clock = new ManualClock()
    const groupLog = new MemoryGroupLog()
    const asked: unknown[] = []
    let verdict: number = ErrorCode.INVALID_TXN_STATE
    const coordinator = new GroupCoordinator({
      config: { offsetsTopicPartitions: 4 },
      clock,
      scheduler: clock,
      log: pino({ level: 'silent' }),
      groupLog,
      topics: { partitionCount: (t) => (t === 'orders' ? 1 : undefined) },
      verifyTransaction: (...args) => {
        asked.push(args)
        return verdict
      },
    })
    for (let p = 0; p < 4; p++) await coordinator.loadPartition(p, [])
    const code = async () => (await coordinator.commitTxnOffsets(txnCommit('g', 3n), 4)).topics[0]!.partitions[0]!.errorCode
    expect(await code()).toBe(ErrorCode.INVALID_TXN_STATE)
    expect(asked).toEqual([['tx', 5, 0, coordinator.partitionFor('g'), true]])
    expect(groupLog.all()).toHaveLength(0)
    expect(fetched(coordinator, 'g', true).errorCode).toBe(ErrorCode.NONE)
    // A coordinator that cannot answer yet: retriable, as Kafka converts NOT_ENOUGH_REPLICAS.
    verdict = ErrorCode.NOT_ENOUGH_REPLICAS
    expect(await code()).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    verdict = ErrorCode.NONE
    expect(await code()).toBe(ErrorCode.NONE)
    expect(fetched(coordinator, 'g', true).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT)
    coordinator.close()
  })
})
