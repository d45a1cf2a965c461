import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { OffsetCommitResponse } from '../../protocol/generated/offset-commit.js'
import { decodeRecord } from './records.js'
import { CLIENT, commitRequest, groupFixture, isSettled, joinDynamic, joinRequest, subscription, syncRequest } from '../../../test/helpers/group-fixture.js'

const G = 'offsets-group'

/** Error codes of a commit response as "topic-partition" → code. */
function codes(r: OffsetCommitResponse): Record<string, number> {
  return Object.fromEntries(r.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}-${p.partitionIndex}`, p.errorCode])))
}

async function stableMember(protocolType = 'consumer', topics?: readonly string[]) {
  const f = await groupFixture()
  const join = await joinDynamic(f.coordinator, G, {
    protocolType,
    ...(topics ? { protocols: [{ name: 'range', metadata: subscription(topics) }] } : {}),
  })
  await f.clock.advance(0)
  const member = await join.response
  await f.coordinator.syncGroup(syncRequest(G, member))
  return { ...f, member }
}

describe('OffsetCommit and OffsetFetch', () => {
  it('commits for a standalone consumer (generation -1), creating a simple group, and fetches what it committed', async () => {
    const { coordinator } = await groupFixture()
    const r = await coordinator.commitOffsets(
      commitRequest(G, [
        { topic: 'orders', partition: 0, offset: 10n, metadata: 'hello' },
        { topic: 'orders', partition: 2, offset: 12n, metadata: null },
      ]),
      8,
    )
    expect(codes(r)).toEqual({ 'orders-0': 0, 'orders-2': 0 })
    expect(coordinator.groupState(G)).toBe('Empty')
    const fetched = coordinator.fetchOffsets(G, [{ name: 'orders', partitionIndexes: [0, 1, 2] }, { name: 'payments', partitionIndexes: [0] }], false)
    expect(fetched).toEqual({
      groupId: G,
      errorCode: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 10n, committedLeaderEpoch: -1, metadata: 'hello', errorCode: 0 },
            { partitionIndex: 1, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
            { partitionIndex: 2, committedOffset: 12n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
        { name: 'payments', partitions: [{ partitionIndex: 0, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] },
      ],
    })
  })

  it('fetches every committed partition when topics is null, and nothing for a group without offsets', async () => {
    const { coordinator } = await groupFixture()
    await coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 1, offset: 5n }, { topic: 'payments', partition: 0, offset: 6n }]), 8)
    const all = coordinator.fetchOffsets(G, null, false)
    expect(all.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset])])).toEqual([
      ['orders', [[1, 5n]]],
      ['payments', [[0, 6n]]],
    ])
    expect(coordinator.fetchOffsets('other', null, false)).toEqual({ groupId: 'other', errorCode: 0, topics: [] })
  })

  it('keeps the committed leader epoch', async () => {
    const { coordinator } = await groupFixture()
    const req = commitRequest(G, [{ topic: 'orders', partition: 0, offset: 1n }])
    req.topics[0]!.partitions[0]!.committedLeaderEpoch = 4
    await coordinator.commitOffsets(req, 8)
    expect(coordinator.fetchOffsets(G, [{ name: 'orders', partitionIndexes: [0] }], false).topics[0]?.partitions[0]?.committedLeaderEpoch).toBe(4)
  })

  it('acknowledges a commit only once its records are written; until then fetches see the old offset', async () => {
    const { coordinator, groupLog } = await groupFixture()
    await coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 0, offset: 1n }]), 8)
    groupLog.hold()
    const commit = coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 0, offset: 2n }]), 8)
    expect(await isSettled(commit)).toBe(false)
    const fetch = () => coordinator.fetchOffsets(G, [{ name: 'orders', partitionIndexes: [0] }], false).topics[0]?.partitions[0]
    expect(fetch()?.committedOffset).toBe(1n)
    // require_stable: the commit in flight is reported instead of the old offset.
    expect(coordinator.fetchOffsets(G, [{ name: 'orders', partitionIndexes: [0] }], true).topics[0]?.partitions[0]?.errorCode).toBe(
      ErrorCode.UNSTABLE_OFFSET_COMMIT,
    )
    groupLog.release()
    expect(codes(await commit)).toEqual({ 'orders-0': 0 })
    expect(fetch()?.committedOffset).toBe(2n)
    expect(groupLog.all().map(decodeRecord).at(-1)).toMatchObject({ type: 'offset', group: G, topic: 'orders', partition: 0, value: { offset: 2n } })
  })

  it('answers UNKNOWN_TOPIC_OR_PARTITION for topics or partitions that do not exist, committing the rest', async () => {
    const { coordinator } = await groupFixture()
    const r = await coordinator.commitOffsets(
      commitRequest(G, [
        { topic: 'orders', partition: 0, offset: 1n },
        { topic: 'orders', partition: 3, offset: 1n },
        { topic: 'orders', partition: -1, offset: 1n },
        { topic: 'nope', partition: 0, offset: 1n },
      ]),
      8,
    )
    expect(codes(r)).toEqual({ 'orders-0': 0, 'orders-3': 3, 'orders--1': 3, 'nope-0': 3 })
    expect(coordinator.fetchOffsets(G, [{ name: 'orders', partitionIndexes: [3] }], false).topics[0]?.partitions[0]?.committedOffset).toBe(-1n)
  })

  it('creates no group when every partition is unknown', async () => {
    const { coordinator } = await groupFixture()
    await coordinator.commitOffsets(commitRequest(G, [{ topic: 'nope', partition: 0, offset: 1n }]), 8)
    expect(coordinator.groupState(G)).toBeUndefined()
  })

  it('answers OFFSET_METADATA_TOO_LARGE past offset.metadata.max.bytes (Java string length), committing the rest', async () => {
    const { coordinator } = await groupFixture({ config: { offsetMetadataMaxBytes: 4 } })
    const r = await coordinator.commitOffsets(
      commitRequest(G, [
        { topic: 'orders', partition: 0, offset: 1n, metadata: 'abcd' },
        { topic: 'orders', partition: 1, offset: 1n, metadata: 'abcde' },
        { topic: 'orders', partition: 2, offset: 1n, metadata: '😀😀😀' },
      ]),
      8,
    )
    expect(codes(r)).toEqual({ 'orders-0': 0, 'orders-1': ErrorCode.OFFSET_METADATA_TOO_LARGE, 'orders-2': ErrorCode.OFFSET_METADATA_TOO_LARGE })
  })

  it('writes the expire timestamp of a v2-4 commit with a retention time (OffsetCommitValue v1)', async () => {
    const { coordinator, groupLog, clock } = await groupFixture()
    await coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 0, offset: 1n }], { retentionTimeMs: 60_000n }), 2)
    expect(groupLog.all().map(decodeRecord).at(-1)).toMatchObject({ value: { commitTimestamp: clock.now(), expireTimestamp: clock.now() + 60_000 } })
  })

  it('reports a failed write per partition and does not expose the offset', async () => {
    const { coordinator, groupLog } = await groupFixture()
    groupLog.failWith(ErrorCode.MESSAGE_TOO_LARGE)
    expect(codes(await coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 0, offset: 1n }]), 8))).toEqual({
      'orders-0': ErrorCode.INVALID_COMMIT_OFFSET_SIZE,
    })
    groupLog.failWith(ErrorCode.KAFKA_STORAGE_ERROR)
    expect(codes(await coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 0, offset: 1n }]), 8))).toEqual({
      'orders-0': ErrorCode.NOT_COORDINATOR,
    })
    expect(coordinator.fetchOffsets(G, [{ name: 'orders', partitionIndexes: [0] }], false).topics[0]?.partitions[0]?.committedOffset).toBe(-1n)
  })
})

describe('OffsetCommit by group members', () => {
  it('accepts a member of the current generation and keeps its session alive', async () => {
    const { coordinator, clock, member } = await stableMember()
    const commit = (memberId = member.memberId) =>
      coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 0, offset: 3n }], { generationIdOrMemberEpoch: 1, memberId }), 8)
    for (let t = 0; t < 40_000; t += 8_000) {
      expect(codes(await commit())).toEqual({ 'orders-0': 0 })
      await clock.advance(8_000)
    }
    expect(coordinator.groupState(G)).toBe('Stable')
  })

  it('answers ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and FENCED_INSTANCE_ID', async () => {
    const { coordinator, member } = await stableMember()
    const commit = async (overrides: Parameters<typeof commitRequest>[2]) =>
      codes(await coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 0, offset: 3n }], overrides), 8))['orders-0']
    expect(await commit({ generationIdOrMemberEpoch: 2, memberId: member.memberId })).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(await commit({ generationIdOrMemberEpoch: 1, memberId: 'ghost' })).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    // Generation -1 without a member id only works for a group without members.
    expect(await commit({})).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(await commit({ generationIdOrMemberEpoch: 1, memberId: member.memberId, groupInstanceId: 'nobody' })).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('answers a generation for a group that does not exist with ILLEGAL_GENERATION (v8) or GROUP_ID_NOT_FOUND (v9)', async () => {
    const { coordinator } = await groupFixture()
    const req = commitRequest('missing', [{ topic: 'orders', partition: 0, offset: 1n }], { generationIdOrMemberEpoch: 3, memberId: 'm' })
    expect(codes(await coordinator.commitOffsets(req, 8))['orders-0']).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(codes(await coordinator.commitOffsets(req, 9))['orders-0']).toBe(ErrorCode.GROUP_ID_NOT_FOUND)
  })

  it('answers REBALANCE_IN_PROGRESS between JoinGroup and SyncGroup, but accepts the old generation while preparing', async () => {
    const f = await groupFixture()
    const join = await joinDynamic(f.coordinator, G)
    await f.clock.advance(0)
    const member = await join.response
    const commit = async () =>
      codes(
        await f.coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 0, offset: 3n }], { generationIdOrMemberEpoch: 1, memberId: member.memberId }), 8),
      )['orders-0']
    expect(await commit()).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    await f.coordinator.syncGroup(syncRequest(G, member))
    await joinDynamic(f.coordinator, G)
    expect(f.coordinator.groupState(G)).toBe('PreparingRebalance')
    expect(await commit()).toBe(0)
  })

  it('fences a static member\'s old member id', async () => {
    const f = await groupFixture()
    const join = f.coordinator.joinGroup(joinRequest(G, { groupInstanceId: 'i' }), CLIENT)
    await f.clock.advance(0)
    const old = await join
    await f.coordinator.syncGroup(syncRequest(G, old, { groupInstanceId: 'i' }))
    await f.coordinator.joinGroup(joinRequest(G, { groupInstanceId: 'i' }), CLIENT)
    const r = await f.coordinator.commitOffsets(
      commitRequest(G, [{ topic: 'orders', partition: 0, offset: 1n }], { generationIdOrMemberEpoch: 1, memberId: old.memberId, groupInstanceId: 'i' }),
      8,
    )
    expect(codes(r)['orders-0']).toBe(ErrorCode.FENCED_INSTANCE_ID)
  })
})

describe('OffsetDelete', () => {
  it('deletes offsets of an empty group, writing tombstones', async () => {
    const { coordinator, groupLog } = await groupFixture()
    await coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 0, offset: 1n }, { topic: 'orders', partition: 1, offset: 2n }]), 8)
    const r = await coordinator.deleteOffsets({ groupId: G, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }, { partitionIndex: 2 }] }] })
    expect(r).toEqual({ errorCode: 0, throttleTimeMs: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 2, errorCode: 0 }] }] })
    expect(groupLog.all().map(decodeRecord).at(-1)).toEqual({ type: 'offset', group: G, topic: 'orders', partition: 0, value: null })
    const fetched = coordinator.fetchOffsets(G, [{ name: 'orders', partitionIndexes: [0, 1] }], false).topics[0]?.partitions
    expect(fetched?.map((p) => p.committedOffset)).toEqual([-1n, 2n])
  })

  it('refuses topics the consumer group is subscribed to, deleting the others', async () => {
    const { coordinator, member } = await stableMember('consumer', ['orders'])
    const commit = commitRequest(G, [{ topic: 'orders', partition: 0, offset: 1n }, { topic: 'payments', partition: 0, offset: 1n }], {
      generationIdOrMemberEpoch: 1,
      memberId: member.memberId,
    })
    await coordinator.commitOffsets(commit, 8)
    const r = await coordinator.deleteOffsets({
      groupId: G,
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 0 }] },
        { name: 'payments', partitions: [{ partitionIndex: 0 }] },
      ],
    })
    expect(r.topics.map((t) => [t.name, t.partitions[0]?.errorCode])).toEqual([
      ['orders', ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC],
      ['payments', 0],
    ])
  })

  it('answers NON_EMPTY_GROUP for an active group of another protocol type, GROUP_ID_NOT_FOUND for no group', async () => {
    const { coordinator } = await stableMember('connect')
    const del = (groupId: string) => coordinator.deleteOffsets({ groupId, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] })
    expect(await del(G)).toEqual({ errorCode: ErrorCode.NON_EMPTY_GROUP, throttleTimeMs: 0, topics: [] })
    expect((await del('missing')).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND)
  })

  it('brings the offsets back when the tombstones cannot be written', async () => {
    const { coordinator, groupLog } = await groupFixture()
    await coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 0, offset: 7n }]), 8)
    groupLog.failWith(ErrorCode.NOT_ENOUGH_REPLICAS)
    const r = await coordinator.deleteOffsets({ groupId: G, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] })
    expect(r.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    expect(coordinator.fetchOffsets(G, [{ name: 'orders', partitionIndexes: [0] }], false).topics[0]?.partitions[0]?.committedOffset).toBe(7n)
  })
})
