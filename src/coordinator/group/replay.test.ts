import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { GroupCoordinator } from './group-coordinator.js'
import { partitionForGroup } from './partition-for-group.js'
import type { GroupLogRecord } from './records.js'
import { emptyGroupMetadataRecord } from './records.js'
import {
  CLIENT,
  commitRequest,
  groupFixture,
  isSettled,
  joinDynamic,
  joinRequest,
  syncRequest,
  TEST_PARTITIONS,
} from '../../../test/helpers/group-fixture.js'

const GROUPS = ['rt-stable', 'rt-simple', 'rt-empty', 'rt-deleted', 'rt-connect']

/** Everything a client can observe about the groups. */
function observe(coordinator: GroupCoordinator) {
  return {
    described: coordinator.describeGroups(GROUPS),
    listed: coordinator.listGroups([], []).groups.sort((a, b) => a.groupId.localeCompare(b.groupId)),
    offsets: GROUPS.map((g) => coordinator.fetchOffsets(g, null, false)),
  }
}

/** A group id that lands on the given partition. */
function groupOn(partition: number, prefix: string): string {
  for (let i = 0; ; i++) if (partitionForGroup(`${prefix}-${i}`, TEST_PARTITIONS) === partition) return `${prefix}-${i}`
}

async function scenario() {
  const f = await groupFixture()
  const { coordinator, clock } = f
  // A Stable consumer group: two dynamic members and a static one, with assignments.
  const a = await joinDynamic(coordinator, 'rt-stable', {}, { ...CLIENT, clientId: 'c1' })
  const b = await joinDynamic(coordinator, 'rt-stable', {}, { ...CLIENT, clientId: 'c2', clientHost: '/10.1.1.1' })
  const s = coordinator.joinGroup(joinRequest('rt-stable', { groupInstanceId: 'inst' }), CLIENT)
  await clock.advance(0)
  const members = await Promise.all([a.response, b.response, s])
  const leader = members.find((m) => m.leader === m.memberId)!
  const followers = members.filter((m) => m !== leader)
  const syncs = followers.map((m) => coordinator.syncGroup(syncRequest('rt-stable', m, { groupInstanceId: m === members[2] ? 'inst' : null })))
  await coordinator.syncGroup(
    syncRequest('rt-stable', leader, {
      groupInstanceId: leader === members[2] ? 'inst' : null,
      assignments: members.map((m, i) => ({ memberId: m.memberId, assignment: Buffer.from([i, i, i]) })),
    }),
  )
  await Promise.all(syncs)
  await coordinator.commitOffsets(
    commitRequest('rt-stable', [{ topic: 'orders', partition: 0, offset: 100n, metadata: 'm' }], { generationIdOrMemberEpoch: 1, memberId: leader.memberId }),
    8,
  )
  // A simple group: offsets only, one deleted, one with a retention time.
  await coordinator.commitOffsets(commitRequest('rt-simple', [{ topic: 'orders', partition: 1, offset: 5n }, { topic: 'payments', partition: 0, offset: 6n }]), 8)
  await coordinator.commitOffsets(commitRequest('rt-simple', [{ topic: 'orders', partition: 2, offset: 7n }], { retentionTimeMs: 999_999n }), 3)
  await coordinator.commitOffsets(commitRequest('rt-simple', [{ topic: 'orders', partition: 1, offset: 8n }]), 8)
  await coordinator.deleteOffsets({ groupId: 'rt-simple', topics: [{ name: 'payments', partitions: [{ partitionIndex: 0 }] }] })
  // A consumer group whose only member left: Empty at generation 2, protocol type kept.
  const e = await joinDynamic(coordinator, 'rt-empty')
  await clock.advance(0)
  const em = await e.response
  await coordinator.commitOffsets(commitRequest('rt-empty', [{ topic: 'orders', partition: 0, offset: 1n }], { generationIdOrMemberEpoch: 1, memberId: em.memberId }), 8)
  await coordinator.leaveGroup('rt-empty', [{ memberId: em.memberId, groupInstanceId: null, reason: null }])
  // A deleted group.
  await coordinator.commitOffsets(commitRequest('rt-deleted', [{ topic: 'orders', partition: 0, offset: 1n }]), 8)
  await coordinator.deleteGroups(['rt-deleted'])
  // A group of another protocol type, still forming.
  await joinDynamic(coordinator, 'rt-connect', { protocolType: 'connect', protocols: [{ name: 'sessioned', metadata: Buffer.from('cfg') }] })
  return { ...f, members, leader }
}

describe('replaying __consumer_offsets', () => {
  it('rebuilds what the records say: groups, members, assignments, offsets; deleted things stay deleted', async () => {
    const { coordinator, restart, leader, members } = await scenario()
    const before = observe(coordinator)
    const restarted = await restart()
    const after = observe(restarted)
    expect(after.offsets).toEqual(before.offsets)
    expect(after.described.filter((d) => d.groupId !== 'rt-connect')).toEqual(before.described.filter((d) => d.groupId !== 'rt-connect'))
    // A group still forming is written only as created (Kafka's new-group record): Empty, no members.
    expect(after.described.find((d) => d.groupId === 'rt-connect')).toMatchObject({ groupState: 'Empty', members: [] })
    expect(after.described.find((d) => d.groupId === 'rt-deleted')?.groupState).toBe('Dead')
    expect(after.described.find((d) => d.groupId === 'rt-empty')).toMatchObject({ groupState: 'Empty', protocolType: 'consumer' })
    expect(after.offsets.find((o) => o.groupId === 'rt-simple')?.topics).toEqual([
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 1, committedOffset: 8n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          { partitionIndex: 2, committedOffset: 7n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
        ],
      },
    ])
    // Members keep their ids and generation: an unchanged follower rejoin is answered at once.
    const follower = members.find((m) => m !== leader && m !== members[2])!
    const rejoin = await restarted.joinGroup(joinRequest('rt-stable', { memberId: follower.memberId }), CLIENT)
    expect(rejoin).toMatchObject({ errorCode: 0, generationId: 1, leader: leader.memberId, protocolName: 'range' })
    expect(restarted.heartbeat({ groupId: 'rt-stable', generationId: 1, memberId: leader.memberId, groupInstanceId: null }).errorCode).toBe(0)
  })

  it('starts loaded members\' sessions at load: members that do not come back are removed', async () => {
    const { restart, clock } = await scenario()
    const restarted = await restart()
    expect(restarted.groupState('rt-stable')).toBe('Stable')
    await clock.advance(10_000)
    expect(restarted.groupState('rt-stable')).toBe('Empty')
  })

  it('rebalances a loaded group that is over group.max.size', async () => {
    const { restart } = await scenario()
    const restarted = await restart({ maxSize: 2 })
    expect(restarted.groupState('rt-stable')).toBe('PreparingRebalance')
  })

  it('skips record types it does not know (KIP-848 groups)', async () => {
    const f = await groupFixture({ load: false })
    const kip848: GroupLogRecord = { key: Buffer.from([0, 3, 0, 1, 0x67]), value: Buffer.from([0, 0, 0, 0, 0, 1]) }
    await f.coordinator.loadPartition(0, [kip848, emptyGroupMetadataRecord(groupOn(0, 'x'), 1)])
    expect(f.coordinator.groupState(groupOn(0, 'x'))).toBe('Empty')
  })

  it('leaves a partition unowned when its records cannot be read', async () => {
    const f = await groupFixture({ load: false })
    const id = groupOn(1, 'bad')
    const broken: GroupLogRecord = { key: Buffer.from([0, 2, 0, 9]), value: null }
    await expect(f.coordinator.loadPartition(1, [emptyGroupMetadataRecord(id, 1), broken])).rejects.toThrow()
    expect(f.coordinator.ownsPartition(1)).toBe(false)
    expect(f.coordinator.groupState(id)).toBeUndefined()
    expect(f.coordinator.heartbeat({ groupId: id, generationId: 0, memberId: 'm', groupInstanceId: null }).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
  })
})

describe('partition ownership', () => {
  it('answers COORDINATOR_LOAD_IN_PROGRESS while the group\'s partition is replayed, as Kafka does per API', async () => {
    const f = await groupFixture({ load: false })
    const { coordinator } = f
    let finish!: () => void
    const gate = new Promise<void>((resolve) => (finish = resolve))
    async function* slowly(): AsyncGenerator<GroupLogRecord> {
      await gate
    }
    const loading = coordinator.loadPartition(2, slowly())
    const g = groupOn(2, 'loading')
    const LOAD = ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    expect((await coordinator.joinGroup(joinRequest(g), CLIENT)).errorCode).toBe(LOAD)
    expect((await coordinator.syncGroup({ groupId: g, generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect(coordinator.heartbeat({ groupId: g, generationId: 1, memberId: 'm', groupInstanceId: null }).errorCode).toBe(0)
    expect((await coordinator.leaveGroup(g, [])).errorCode).toBe(LOAD)
    const commit = await coordinator.commitOffsets(commitRequest(g, [{ topic: 'orders', partition: 0, offset: 1n }, { topic: 'nope', partition: 0, offset: 1n }]), 8)
    expect(commit.topics.map((t) => t.partitions[0]?.errorCode)).toEqual([LOAD, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    expect(coordinator.fetchOffsets(g, null, false).errorCode).toBe(LOAD)
    expect((await coordinator.deleteOffsets({ groupId: g, topics: [] })).errorCode).toBe(LOAD)
    expect(coordinator.describeGroups([g])[0]).toMatchObject({ errorCode: LOAD, groupState: '' })
    expect(await coordinator.deleteGroups([g])).toEqual([{ groupId: g, errorCode: LOAD }])
    expect(coordinator.listGroups([], [])).toEqual({ throttleTimeMs: 0, errorCode: LOAD, groups: [] })
    finish()
    await loading
    expect((await coordinator.joinGroup(joinRequest(g), CLIENT)).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
    expect(coordinator.listGroups([], []).errorCode).toBe(0)
  })

  it('answers NOT_COORDINATOR for groups of partitions it has not loaded', async () => {
    const f = await groupFixture({ load: false })
    await f.coordinator.loadPartition(0, [])
    const g = groupOn(3, 'elsewhere')
    expect((await f.coordinator.joinGroup(joinRequest(g), CLIENT)).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect(f.coordinator.describeGroups([g])[0]?.errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect(f.coordinator.ownsPartition(0)).toBe(true)
    expect(f.coordinator.ownsPartition(3)).toBe(false)
  })

  it('answers parked requests with NOT_COORDINATOR when the partition is unloaded', async () => {
    const f = await groupFixture({ config: { initialRebalanceDelayMs: 1_000 } })
    const g = groupOn(1, 'unload')
    const parked = await joinDynamic(f.coordinator, g)
    expect(await isSettled(parked.response)).toBe(false)
    f.coordinator.unloadPartition(1)
    expect((await parked.response).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect((await f.coordinator.joinGroup(joinRequest(g), CLIENT)).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    await f.clock.advance(1_000)
    expect(f.coordinator.groupState(g)).toBeUndefined()
  })
})
