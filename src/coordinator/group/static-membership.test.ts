import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { JoinGroupResponse } from '../../protocol/generated/join-group.js'
import { decodeRecord } from './records.js'
import { CLIENT, groupFixture, isSettled, joinRequest, subscription, syncRequest } from '../../../test/helpers/group-fixture.js'

const G = 'static-group'

/** Static members `a` and `b`, Stable at generation 1 with assignments. */
async function stableStaticGroup() {
  const f = await groupFixture()
  const ja = f.coordinator.joinGroup(joinRequest(G, { groupInstanceId: 'a' }), CLIENT)
  const jb = f.coordinator.joinGroup(joinRequest(G, { groupInstanceId: 'b' }), CLIENT)
  await f.clock.advance(0)
  const [a, b] = await Promise.all([ja, jb])
  const leader = a.leader === a.memberId ? a : b
  const follower = leader === a ? b : a
  const leaderInstance = leader === a ? 'a' : 'b'
  const followerInstance = leader === a ? 'b' : 'a'
  const followerSync = f.coordinator.syncGroup(syncRequest(G, follower, { groupInstanceId: followerInstance }))
  await f.coordinator.syncGroup(
    syncRequest(G, leader, {
      groupInstanceId: leaderInstance,
      assignments: [
        { memberId: leader.memberId, assignment: Buffer.from('L') },
        { memberId: follower.memberId, assignment: Buffer.from('F') },
      ],
    }),
  )
  await followerSync
  return { ...f, a, b, leader, follower, leaderInstance, followerInstance }
}

describe('static membership (group.instance.id)', () => {
  it('joins a static member in one step, its member id prefixed with its instance id', async () => {
    const { a } = await stableStaticGroup()
    expect(a.memberId).toMatch(/^a-[0-9a-f-]{36}$/)
  })

  it('lets a restarted follower rejoin a Stable group without a rebalance, under a new member id', async () => {
    const { coordinator, groupLog, leader, follower, followerInstance } = await stableStaticGroup()
    const rejoin = await coordinator.joinGroup(joinRequest(G, { groupInstanceId: followerInstance }), { ...CLIENT, apiVersion: 5 })
    expect(rejoin).toMatchObject({ errorCode: 0, generationId: 1, leader: leader.memberId, members: [], skipAssignment: false })
    expect(rejoin.memberId).not.toBe(follower.memberId)
    expect(coordinator.groupState(G)).toBe('Stable')
    const sync = await coordinator.syncGroup(syncRequest(G, rejoin, { groupInstanceId: followerInstance }))
    expect(sync.assignment).toEqual(Buffer.from('F'))
    const written = groupLog.all().map(decodeRecord).at(-1)
    expect(written).toMatchObject({ type: 'group', value: { generation: 1 } })
    if (written?.type !== 'group' || !written.value) throw new Error('expected a group record')
    expect(written.value.members.map((m) => m.memberId).sort()).toEqual([leader.memberId, rejoin.memberId].sort())
    // The old id is fenced everywhere.
    const old = { groupId: G, generationId: 1, memberId: follower.memberId, groupInstanceId: followerInstance }
    expect(coordinator.heartbeat(old).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect((await coordinator.syncGroup(syncRequest(G, follower, { groupInstanceId: followerInstance }))).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect((await coordinator.joinGroup(joinRequest(G, { memberId: follower.memberId, groupInstanceId: followerInstance }), CLIENT)).errorCode).toBe(
      ErrorCode.FENCED_INSTANCE_ID,
    )
  })

  it('tells a restarted v9 leader it leads but must skip the assignment; older leaders are told the old leader id', async () => {
    const { coordinator, leader, leaderInstance } = await stableStaticGroup()
    const v9 = await coordinator.joinGroup(joinRequest(G, { groupInstanceId: leaderInstance }), CLIENT)
    expect(v9).toMatchObject({ errorCode: 0, generationId: 1, skipAssignment: true, leader: v9.memberId })
    expect(v9.members).toHaveLength(2)
    const v8 = await coordinator.joinGroup(joinRequest(G, { groupInstanceId: leaderInstance }), { ...CLIENT, apiVersion: 8 })
    expect(v8).toMatchObject({ errorCode: 0, skipAssignment: false, leader: v9.memberId, members: [] })
    expect(v8.leader).not.toBe(v8.memberId)
    expect(coordinator.groupState(G)).toBe('Stable')
    void leader
  })

  it('rebalances a rejoining static member only when its protocols change the group\'s selected protocol', async () => {
    const f = await groupFixture()
    const meta = subscription(['orders'])
    const prefer = (...names: string[]) => names.map((name) => ({ name, metadata: meta }))
    const joins = ['a', 'b', 'c'].map((groupInstanceId) =>
      f.coordinator.joinGroup(joinRequest(G, { groupInstanceId, protocols: prefer('range', 'roundrobin') }), CLIENT),
    )
    await f.clock.advance(0)
    const answers = await Promise.all(joins)
    expect(answers[0]?.protocolName).toBe('range')
    const leader = answers.find((a) => a.leader === a.memberId)!
    const others = answers.filter((a) => a !== leader)
    const syncs = others.map((a) => f.coordinator.syncGroup(syncRequest(G, a)))
    await f.coordinator.syncGroup(syncRequest(G, leader))
    await Promise.all(syncs)
    const instanceOf = (a: JoinGroupResponse) => ['a', 'b', 'c'][answers.indexOf(a)]!
    // range 2 votes, roundrobin 1: the group's protocol stands, no rebalance.
    const first = await f.coordinator.joinGroup(joinRequest(G, { groupInstanceId: instanceOf(others[0]!), protocols: prefer('roundrobin', 'range') }), CLIENT)
    expect(first).toMatchObject({ errorCode: 0, generationId: 1 })
    expect(f.coordinator.groupState(G)).toBe('Stable')
    // roundrobin now 2 votes to 1: the next generation would use another protocol, so the group rebalances.
    const second = f.coordinator.joinGroup(joinRequest(G, { groupInstanceId: instanceOf(others[1]!), protocols: prefer('roundrobin', 'range') }), CLIENT)
    expect(f.coordinator.groupState(G)).toBe('PreparingRebalance')
    expect(await isSettled(second)).toBe(false)
  })

  it('fences the old id\'s parked SyncGroup and rebalances when the member comes back during CompletingRebalance', async () => {
    const f = await groupFixture()
    const ja = f.coordinator.joinGroup(joinRequest(G, { groupInstanceId: 'a' }), CLIENT)
    const jb = f.coordinator.joinGroup(joinRequest(G, { groupInstanceId: 'b' }), CLIENT)
    await f.clock.advance(0)
    const [a, b] = await Promise.all([ja, jb])
    const follower: JoinGroupResponse = a.leader === a.memberId ? b : a
    const followerInstance = follower === a ? 'a' : 'b'
    const parked = f.coordinator.syncGroup(syncRequest(G, follower, { groupInstanceId: followerInstance }))
    const rejoin = f.coordinator.joinGroup(joinRequest(G, { groupInstanceId: followerInstance }), CLIENT)
    expect((await parked).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect(f.coordinator.groupState(G)).toBe('PreparingRebalance')
    expect(await isSettled(rejoin)).toBe(false)
  })

  it('keeps a static member that does not rejoin through the rebalance; only its session timeout removes it', async () => {
    const { coordinator, clock, leader, follower, leaderInstance } = await stableStaticGroup()
    const rejoin = coordinator.joinGroup(joinRequest(G, { memberId: leader.memberId, groupInstanceId: leaderInstance, rebalanceTimeoutMs: 5_000 }), CLIENT)
    // The follower keeps its session but does not rejoin; the rebalance times out (30 s, its timeout) without dropping it.
    for (let t = 0; t < 30_000; t += 5_000) {
      coordinator.heartbeat({ groupId: G, generationId: 1, memberId: follower.memberId, groupInstanceId: null })
      await clock.advance(5_000)
    }
    const r = await rejoin
    expect(r.generationId).toBe(2)
    expect(r.members.map((m) => m.memberId).sort()).toEqual([leader.memberId, follower.memberId].sort())
    // Silent from now on, the follower is removed when its session runs out.
    await coordinator.syncGroup(syncRequest(G, r, { groupInstanceId: leaderInstance }))
    await clock.advance(10_000)
    const followerBeat = { groupId: G, generationId: 2, memberId: follower.memberId, groupInstanceId: null }
    expect(coordinator.heartbeat(followerBeat).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('keeps the old member id when the new one cannot be written', async () => {
    const { coordinator, groupLog, follower, followerInstance } = await stableStaticGroup()
    groupLog.failWith(ErrorCode.KAFKA_STORAGE_ERROR)
    const rejoin = await coordinator.joinGroup(joinRequest(G, { groupInstanceId: followerInstance }), CLIENT)
    expect(rejoin).toMatchObject({ errorCode: ErrorCode.NOT_COORDINATOR, memberId: '', generationId: 1 })
    groupLog.failWith(null)
    const old = { groupId: G, generationId: 1, memberId: follower.memberId, groupInstanceId: followerInstance }
    expect(coordinator.heartbeat(old).errorCode).toBe(0)
  })

  it('answers UNKNOWN_MEMBER_ID to a known member id sent with an instance id the group does not know', async () => {
    const { coordinator, follower } = await stableStaticGroup()
    const r = await coordinator.joinGroup(joinRequest(G, { memberId: follower.memberId, groupInstanceId: 'zzz' }), CLIENT)
    expect(r.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })
})
