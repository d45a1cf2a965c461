import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { JoinGroupResponse } from '../../protocol/generated/join-group.js'
import { decodeRecord } from './records.js'
import { partitionForGroup } from './partition-for-group.js'
import { groupFixture, isSettled, joinDynamic, syncRequest, TEST_PARTITIONS } from '../../../test/helpers/group-fixture.js'

const G = 'sync-group'

/** Two members through the join phase; generation 1, CompletingRebalance. */
async function joinedPair(options: Parameters<typeof groupFixture>[0] = {}) {
  const f = await groupFixture(options)
  const a = await joinDynamic(f.coordinator, G)
  const b = await joinDynamic(f.coordinator, G)
  await f.clock.advance(0)
  const [ra, rb] = await Promise.all([a.response, b.response])
  const leader = ra.memberId === ra.leader ? ra : rb
  const follower: JoinGroupResponse = leader === ra ? rb : ra
  return { ...f, leader, follower }
}

describe('SyncGroup', () => {
  it('parks followers until the leader syncs, then relays each member its assignment byte for byte', async () => {
    const { coordinator, leader, follower } = await joinedPair()
    const followerSync = coordinator.syncGroup(syncRequest(G, follower))
    expect(await isSettled(followerSync)).toBe(false)
    const bytesF = Buffer.from([0, 1, 2, 3, 255])
    const bytesL = Buffer.from('opaque leader assignment')
    const leaderSync = coordinator.syncGroup(
      syncRequest(G, leader, {
        assignments: [
          { memberId: leader.memberId, assignment: bytesL },
          { memberId: follower.memberId, assignment: bytesF },
        ],
      }),
    )
    const [l, f] = await Promise.all([leaderSync, followerSync])
    expect(l).toEqual({ throttleTimeMs: 0, errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: bytesL })
    expect(f.assignment).toEqual(bytesF)
    expect(coordinator.groupState(G)).toBe('Stable')
  })

  it('gives members the leader left out an empty assignment', async () => {
    const { coordinator, leader, follower } = await joinedPair()
    const followerSync = coordinator.syncGroup(syncRequest(G, follower))
    await coordinator.syncGroup(syncRequest(G, leader, { assignments: [{ memberId: leader.memberId, assignment: Buffer.from([1]) }] }))
    expect((await followerSync).assignment).toHaveLength(0)
  })

  it('answers only after the assignment is written to the group\'s partition, with Kafka\'s group record', async () => {
    const { coordinator, groupLog, leader, follower } = await joinedPair()
    groupLog.hold()
    const sync = coordinator.syncGroup(syncRequest(G, leader, { assignments: [{ memberId: follower.memberId, assignment: Buffer.from([9]) }] }))
    expect(await isSettled(sync)).toBe(false)
    expect(coordinator.groupState(G)).toBe('CompletingRebalance')
    groupLog.release()
    expect((await sync).errorCode).toBe(0)
    const records = groupLog.records(partitionForGroup(G, TEST_PARTITIONS)).map(decodeRecord)
    const last = records.at(-1)
    expect(last).toMatchObject({ type: 'group', group: G, value: { generation: 1, protocol: 'range', leader: leader.memberId } })
    if (last?.type !== 'group' || !last.value) throw new Error('expected a group record')
    expect(last.value.members.find((m) => m.memberId === follower.memberId)?.assignment).toEqual(Buffer.from([9]))
  })

  it('tells everyone parked to rejoin when the assignment cannot be written, and rebalances', async () => {
    const { coordinator, groupLog, leader, follower } = await joinedPair()
    const followerSync = coordinator.syncGroup(syncRequest(G, follower))
    groupLog.failWith(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    const leaderSync = coordinator.syncGroup(syncRequest(G, leader))
    expect((await leaderSync).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect((await followerSync).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect(coordinator.groupState(G)).toBe('PreparingRebalance')
  })

  it('answers REBALANCE_IN_PROGRESS while the group prepares a rebalance', async () => {
    const { coordinator, leader } = await joinedPair()
    await coordinator.syncGroup(syncRequest(G, leader))
    await joinDynamic(coordinator, G)
    expect(coordinator.groupState(G)).toBe('PreparingRebalance')
    expect((await coordinator.syncGroup(syncRequest(G, leader))).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
  })

  it('answers ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and FENCED_INSTANCE_ID', async () => {
    const { coordinator, leader } = await joinedPair()
    expect((await coordinator.syncGroup(syncRequest(G, leader, { generationId: 0 }))).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect((await coordinator.syncGroup(syncRequest(G, leader, { memberId: 'ghost' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await coordinator.syncGroup(syncRequest('no-such-group', leader))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await coordinator.syncGroup(syncRequest(G, leader, { groupInstanceId: 'nobody' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await coordinator.syncGroup(syncRequest('', leader))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
  })

  it('checks the protocol type and name v5 clients send, accepting them absent', async () => {
    const { coordinator, leader, follower } = await joinedPair()
    const wrongType = await coordinator.syncGroup(syncRequest(G, leader, { protocolType: 'connect' }))
    expect(wrongType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const wrongName = await coordinator.syncGroup(syncRequest(G, leader, { protocolType: 'consumer', protocolName: 'sticky' }))
    expect(wrongName.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const followerSync = coordinator.syncGroup(syncRequest(G, follower, { protocolType: 'consumer', protocolName: 'range' }))
    await coordinator.syncGroup(syncRequest(G, leader, { protocolType: 'consumer', protocolName: 'range' }))
    expect((await followerSync).errorCode).toBe(0)
  })

  it('answers a Stable group\'s SyncGroup with the member\'s current assignment', async () => {
    const { coordinator, leader, follower } = await joinedPair()
    const followerSync = coordinator.syncGroup(syncRequest(G, follower))
    await coordinator.syncGroup(syncRequest(G, leader, { assignments: [{ memberId: follower.memberId, assignment: Buffer.from([4]) }] }))
    await followerSync
    expect((await coordinator.syncGroup(syncRequest(G, follower))).assignment).toEqual(Buffer.from([4]))
  })

  it('answers both SyncGroups when a member sends a second while the first is parked', async () => {
    const { coordinator, leader, follower } = await joinedPair()
    const one = coordinator.syncGroup(syncRequest(G, follower))
    const two = coordinator.syncGroup(syncRequest(G, follower))
    await coordinator.syncGroup(syncRequest(G, leader, { assignments: [{ memberId: follower.memberId, assignment: Buffer.from([5]) }] }))
    expect((await one).assignment).toEqual(Buffer.from([5]))
    expect((await two).assignment).toEqual(Buffer.from([5]))
  })

  it('removes members that never send SyncGroup within the rebalance timeout, and rebalances', async () => {
    const { coordinator, clock, leader, follower } = await joinedPair()
    // Both keep their sessions with heartbeats, but the follower never sends SyncGroup.
    await coordinator.syncGroup(syncRequest(G, leader))
    expect(coordinator.groupState(G)).toBe('Stable')
    for (let t = 0; t < 30_000; t += 5_000) {
      for (const m of [leader, follower]) {
        expect(coordinator.heartbeat({ groupId: G, generationId: 1, memberId: m.memberId, groupInstanceId: null }).errorCode).toBe(0)
      }
      await clock.advance(5_000)
    }
    expect(coordinator.heartbeat({ groupId: G, generationId: 1, memberId: leader.memberId, groupInstanceId: null }).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    )
    expect(coordinator.heartbeat({ groupId: G, generationId: 1, memberId: follower.memberId, groupInstanceId: null }).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    )
  })
})
