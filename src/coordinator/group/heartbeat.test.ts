import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { HeartbeatRequest } from '../../protocol/generated/heartbeat.js'
import { decodeRecord } from './records.js'
import { groupFixture, joinDynamic, joinRequest, syncRequest, CLIENT } from '../../../test/helpers/group-fixture.js'

const G = 'heartbeat-group'

async function stablePair() {
  const f = await groupFixture()
  const a = await joinDynamic(f.coordinator, G)
  const b = await joinDynamic(f.coordinator, G)
  await f.clock.advance(0)
  const [ra, rb] = await Promise.all([a.response, b.response])
  const leader = ra.memberId === ra.leader ? ra : rb
  const follower = leader === ra ? rb : ra
  const followerSync = f.coordinator.syncGroup(syncRequest(G, follower))
  await f.coordinator.syncGroup(syncRequest(G, leader))
  await followerSync
  const beat = (memberId: string, overrides: Partial<HeartbeatRequest> = {}): number =>
    f.coordinator.heartbeat({ groupId: G, generationId: 1, memberId, groupInstanceId: null, ...overrides }).errorCode
  return { ...f, leader, follower, beat }
}

describe('Heartbeat', () => {
  it('answers NONE for a member of the current generation', async () => {
    const { beat, leader, follower } = await stablePair()
    expect(beat(leader.memberId)).toBe(ErrorCode.NONE)
    expect(beat(follower.memberId)).toBe(ErrorCode.NONE)
  })

  it('answers UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, FENCED_INSTANCE_ID and INVALID_GROUP_ID', async () => {
    const { beat, leader, coordinator } = await stablePair()
    expect(beat('ghost')).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(beat(leader.memberId, { groupId: 'no-such-group' })).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(beat(leader.memberId, { generationId: 2 })).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(beat(leader.memberId, { groupInstanceId: 'unknown-instance' })).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(beat(leader.memberId, { groupId: '' })).toBe(ErrorCode.INVALID_GROUP_ID)
    const staticJoin = coordinator.joinGroup(joinRequest(G, { groupInstanceId: 'inst' }), CLIENT)
    void staticJoin
    expect(beat(leader.memberId, { groupInstanceId: 'inst' })).toBe(ErrorCode.FENCED_INSTANCE_ID)
  })

  it('answers REBALANCE_IN_PROGRESS while the group prepares a rebalance, NONE while it completes one', async () => {
    const { beat, leader, follower, coordinator } = await stablePair()
    const rejoin = coordinator.joinGroup(joinRequest(G, { memberId: leader.memberId }), CLIENT)
    expect(beat(follower.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    coordinator.joinGroup(joinRequest(G, { memberId: follower.memberId }), CLIENT)
    expect((await rejoin).generationId).toBe(2)
    expect(coordinator.groupState(G)).toBe('CompletingRebalance')
    expect(beat(follower.memberId, { generationId: 2 })).toBe(ErrorCode.NONE)
  })

  it('keeps a session alive past its timeout as long as heartbeats arrive', async () => {
    const { beat, leader, follower, clock } = await stablePair()
    for (let t = 0; t < 60_000; t += 9_000) {
      expect(beat(leader.memberId)).toBe(ErrorCode.NONE)
      expect(beat(follower.memberId)).toBe(ErrorCode.NONE)
      await clock.advance(9_000)
    }
  })

  it('removes a member whose session expires and rebalances the rest', async () => {
    const { beat, leader, follower, clock, coordinator } = await stablePair()
    for (let t = 0; t < 10_000; t += 5_000) {
      expect(beat(leader.memberId)).toBe(ErrorCode.NONE)
      await clock.advance(5_000)
    }
    expect(beat(leader.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect(beat(follower.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    const rejoin = await coordinator.joinGroup(joinRequest(G, { memberId: leader.memberId }), CLIENT)
    expect(rejoin).toMatchObject({ generationId: 2, leader: leader.memberId })
    expect(rejoin.members.map((m) => m.memberId)).toEqual([leader.memberId])
  })

  it('empties the group when the last session expires and writes the empty generation', async () => {
    const { clock, coordinator, groupLog } = await stablePair()
    await clock.advance(10_000)
    expect(coordinator.groupState(G)).toBe('Empty')
    const last = groupLog.all().map(decodeRecord).at(-1)
    expect(last).toMatchObject({ type: 'group', group: G, value: { generation: 2, protocol: null, leader: null, members: [] } })
  })
})
