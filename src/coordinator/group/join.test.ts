import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { JoinGroupRequest, JoinGroupResponse } from '../../protocol/generated/join-group.js'
import { CLIENT, groupFixture, isSettled, joinDynamic, joinRequest, subscription } from '../../../test/helpers/group-fixture.js'

const G = 'join-group'

describe('JoinGroup: bad input', () => {
  it('answers INVALID_GROUP_ID for an empty or over-long group id', async () => {
    const { coordinator } = await groupFixture()
    expect((await coordinator.joinGroup(joinRequest(''), CLIENT)).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
    expect((await coordinator.joinGroup(joinRequest('g'.repeat(32_768)), CLIENT)).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
  })

  it('answers INVALID_SESSION_TIMEOUT outside group.min/max.session.timeout.ms, echoing the member id', async () => {
    const { coordinator } = await groupFixture({ config: { minSessionTimeoutMs: 6_000, maxSessionTimeoutMs: 60_000 } })
    for (const sessionTimeoutMs of [5_999, 60_001]) {
      const r = await coordinator.joinGroup(joinRequest(G, { sessionTimeoutMs, memberId: 'm' }), CLIENT)
      expect(r).toMatchObject({ errorCode: ErrorCode.INVALID_SESSION_TIMEOUT, memberId: 'm', generationId: -1 })
    }
    expect((await coordinator.joinGroup(joinRequest(G, { sessionTimeoutMs: 6_000 }), CLIENT)).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
    expect(coordinator.groupState('untouched')).toBeUndefined()
  })

  it('answers UNKNOWN_MEMBER_ID to a member id the group does not know, without creating the group', async () => {
    const { coordinator } = await groupFixture()
    expect((await coordinator.joinGroup(joinRequest(G, { memberId: 'ghost' }), CLIENT)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(coordinator.groupState(G)).toBeUndefined()
    await joinDynamic(coordinator, G)
    expect((await coordinator.joinGroup(joinRequest(G, { memberId: 'ghost' }), CLIENT)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('answers INCONSISTENT_GROUP_PROTOCOL for no protocol type or protocols, another protocol type, or no common protocol', async () => {
    const { coordinator, clock } = await groupFixture()
    expect((await coordinator.joinGroup(joinRequest(G, { protocolType: '' }), CLIENT)).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await coordinator.joinGroup(joinRequest(G, { protocols: [] }), CLIENT)).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const first = await joinDynamic(coordinator, G)
    await clock.advance(0)
    expect((await first.response).errorCode).toBe(ErrorCode.NONE)
    const connect = await coordinator.joinGroup(joinRequest(G, { protocolType: 'connect' }), CLIENT)
    expect(connect).toMatchObject({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId: '' })
    const other = await coordinator.joinGroup(joinRequest(G, { protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }] }), CLIENT)
    expect(other.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
  })

  it('answers GROUP_MAX_SIZE_REACHED beyond group.max.size', async () => {
    const { coordinator, clock } = await groupFixture({ config: { maxSize: 2 } })
    const a = await joinDynamic(coordinator, G)
    const b = await joinDynamic(coordinator, G)
    await clock.advance(0)
    await Promise.all([a.response, b.response])
    const c = await coordinator.joinGroup(joinRequest(G), { ...CLIENT, apiVersion: 3 })
    expect(c).toMatchObject({ errorCode: ErrorCode.GROUP_MAX_SIZE_REACHED, memberId: '' })
  })

  it('counts members parked in JoinGroup against group.max.size while preparing a rebalance', async () => {
    const { coordinator } = await groupFixture({ config: { maxSize: 1, initialRebalanceDelayMs: 1_000 } })
    const v3 = { ...CLIENT, apiVersion: 3 }
    const a = coordinator.joinGroup(joinRequest(G), v3)
    expect(await isSettled(a)).toBe(false)
    expect((await coordinator.joinGroup(joinRequest(G), v3)).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED)
  })
})

describe('JoinGroup: membership', () => {
  it('asks a v4+ member without an id to come back with one (MEMBER_ID_REQUIRED), keyed on its client id', async () => {
    const { coordinator } = await groupFixture()
    const r = await coordinator.joinGroup(joinRequest(G), { ...CLIENT, clientId: 'app' })
    expect(r.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
    expect(r.memberId).toMatch(/^app-[0-9a-f-]{36}$/)
    expect(coordinator.groupState(G)).toBe('Empty')
  })

  it('forgets a pending member id that does not come back within its session timeout', async () => {
    const { coordinator, clock } = await groupFixture()
    const { memberId } = await coordinator.joinGroup(joinRequest(G, { sessionTimeoutMs: 10_000 }), CLIENT)
    await clock.advance(10_000)
    const late = await coordinator.joinGroup(joinRequest(G, { memberId }), CLIENT)
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('lets a v0-3 member join in one step and forms generation 1 with it as leader', async () => {
    const { coordinator, clock } = await groupFixture()
    const join = coordinator.joinGroup(joinRequest(G), { ...CLIENT, apiVersion: 3 })
    expect(await isSettled(join)).toBe(false)
    await clock.advance(0)
    const r = await join
    expect(r).toMatchObject({ errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: r.memberId })
    expect(r.members).toEqual([{ memberId: r.memberId, groupInstanceId: null, metadata: subscription(['orders']) }])
    expect(coordinator.groupState(G)).toBe('CompletingRebalance')
  })

  it('selects the protocol every member supports that gets the most votes', async () => {
    const { coordinator, clock } = await groupFixture()
    const meta = Buffer.from([1])
    const prefer = (...names: string[]) => ({ protocols: names.map((name) => ({ name, metadata: meta })) })
    const joins = [
      await joinDynamic(coordinator, G, prefer('range', 'roundrobin', 'sticky')),
      await joinDynamic(coordinator, G, prefer('roundrobin', 'range')),
      await joinDynamic(coordinator, G, prefer('roundrobin', 'range')),
    ]
    await clock.advance(0)
    const answers = await Promise.all(joins.map((j) => j.response))
    expect(answers.map((a) => a.protocolName)).toEqual(['roundrobin', 'roundrobin', 'roundrobin'])
  })
})

describe('JoinGroup: rebalances', () => {
  async function stableGroupOfOne(overrides: Partial<JoinGroupRequest> = {}) {
    const f = await groupFixture()
    const join = await joinDynamic(f.coordinator, G, overrides)
    await f.clock.advance(0)
    const leader = await join.response
    const sync = await f.coordinator.syncGroup({ groupId: G, generationId: 1, memberId: leader.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: leader.memberId, assignment: Buffer.from([1]) }] })
    expect(sync.errorCode).toBe(0)
    return { ...f, leader }
  }

  it('parks joins until every known member rejoined; the leader alone gets the member list', async () => {
    const { coordinator, leader } = await stableGroupOfOne()
    const newcomer = (await joinDynamic(coordinator, G)).response
    expect(await isSettled(newcomer)).toBe(false)
    expect(coordinator.groupState(G)).toBe('PreparingRebalance')
    const hb = coordinator.heartbeat({ groupId: G, generationId: 1, memberId: leader.memberId, groupInstanceId: null })
    expect(hb.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    const rejoin = coordinator.joinGroup(joinRequest(G, { memberId: leader.memberId }), CLIENT)
    const [l, f] = await Promise.all([rejoin, newcomer])
    expect(l).toMatchObject({ generationId: 2, leader: leader.memberId })
    expect(l.members.map((m) => m.memberId).sort()).toEqual([leader.memberId, f.memberId].sort())
    expect(f).toMatchObject({ generationId: 2, leader: leader.memberId, members: [] })
  })

  it('removes members that do not rejoin within the rebalance timeout', async () => {
    const { coordinator, clock, leader } = await stableGroupOfOne()
    const newcomer = (await joinDynamic(coordinator, G, { rebalanceTimeoutMs: 20_000 })).response
    // The old member keeps heartbeating but never rejoins.
    for (let t = 0; t < 30_000; t += 5_000) {
      expect(await isSettled(newcomer)).toBe(false)
      coordinator.heartbeat({ groupId: G, generationId: 1, memberId: leader.memberId, groupInstanceId: null })
      await clock.advance(5_000)
    }
    const r = await newcomer
    expect(r).toMatchObject({ errorCode: 0, generationId: 2, leader: r.memberId })
    expect(r.members.map((m) => m.memberId)).toEqual([r.memberId])
    const stale = coordinator.heartbeat({ groupId: G, generationId: 1, memberId: leader.memberId, groupInstanceId: null })
    expect(stale.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('answers a rejoin with unchanged metadata during CompletingRebalance with the current generation', async () => {
    const { coordinator, clock } = await groupFixture()
    const first = await joinDynamic(coordinator, G)
    await clock.advance(0)
    const leader = await first.response
    const again = await coordinator.joinGroup(joinRequest(G, { memberId: leader.memberId }), CLIENT)
    expect(again).toMatchObject({ errorCode: 0, generationId: 1, leader: leader.memberId })
    expect(again.members).toHaveLength(1)
    expect(coordinator.groupState(G)).toBe('CompletingRebalance')
  })

  it('rebalances when a member rejoins with changed metadata, telling parked SyncGroups to rejoin', async () => {
    const { coordinator, clock } = await groupFixture()
    const a = await joinDynamic(coordinator, G)
    const b = await joinDynamic(coordinator, G)
    await clock.advance(0)
    const [ra, rb] = await Promise.all([a.response, b.response])
    const follower = ra.leader === ra.memberId ? rb : ra
    const parked = coordinator.syncGroup({ groupId: G, generationId: 1, memberId: follower.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })
    expect(await isSettled(parked)).toBe(false)
    const changed = coordinator.joinGroup(joinRequest(G, { memberId: follower.memberId, protocols: [{ name: 'range', metadata: subscription(['orders', 'payments']) }] }), CLIENT)
    expect((await parked).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect(coordinator.groupState(G)).toBe('PreparingRebalance')
    expect(await isSettled(changed)).toBe(false)
  })

  it('in Stable, answers an unchanged follower at once but rebalances on the leader\'s rejoin', async () => {
    const { coordinator, clock } = await groupFixture()
    const a = await joinDynamic(coordinator, G)
    const b = await joinDynamic(coordinator, G)
    await clock.advance(0)
    const [ra, rb] = await Promise.all([a.response, b.response])
    const leader = ra.leader === ra.memberId ? ra : rb
    const follower = leader === ra ? rb : ra
    const syncs = [leader, follower].map((r) =>
      coordinator.syncGroup({ groupId: G, generationId: 1, memberId: r.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }),
    )
    await Promise.all(syncs)
    expect(coordinator.groupState(G)).toBe('Stable')
    const same = await coordinator.joinGroup(joinRequest(G, { memberId: follower.memberId }), CLIENT)
    expect(same).toMatchObject({ errorCode: 0, generationId: 1, leader: leader.memberId, members: [] })
    expect(coordinator.groupState(G)).toBe('Stable')
    const leaderJoin = coordinator.joinGroup(joinRequest(G, { memberId: leader.memberId }), CLIENT)
    expect(coordinator.groupState(G)).toBe('PreparingRebalance')
    expect(await isSettled(leaderJoin)).toBe(false)
  })

  it('answers both JoinGroups when a member sends a second while the first is parked', async () => {
    const { coordinator, clock } = await groupFixture({ config: { initialRebalanceDelayMs: 100 } })
    const first = await coordinator.joinGroup(joinRequest(G), CLIENT)
    const one = coordinator.joinGroup(joinRequest(G, { memberId: first.memberId }), CLIENT)
    const two = coordinator.joinGroup(joinRequest(G, { memberId: first.memberId }), CLIENT)
    await clock.advance(100)
    const [r1, r2] = await Promise.all([one, two])
    expect(r1).toEqual(r2)
    expect(r1.generationId).toBe(1)
  })

  it('drops a new member whose JoinGroup stays parked for 5 minutes', async () => {
    // The old member allows a 10-minute rebalance and keeps its session, but never rejoins.
    const { coordinator, clock, leader } = await stableGroupOfOne({ rebalanceTimeoutMs: 600_000 })
    const newcomer = (await joinDynamic(coordinator, G)).response
    for (let t = 0; t < 300_000; t += 5_000) {
      expect(await isSettled(newcomer)).toBe(false)
      coordinator.heartbeat({ groupId: G, generationId: 1, memberId: leader.memberId, groupInstanceId: null })
      await clock.advance(5_000)
    }
    expect(await newcomer).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: '' })
    expect(coordinator.groupState(G)).toBe('PreparingRebalance')
  })
})

describe('JoinGroup: the initial rebalance delay', () => {
  const delayed = { initialRebalanceDelayMs: 3_000 }

  it('waits group.initial.rebalance.delay.ms, extended while members keep arriving, up to the rebalance timeout', async () => {
    const { coordinator, clock } = await groupFixture({ config: delayed })
    const a = await joinDynamic(coordinator, G, { rebalanceTimeoutMs: 10_000 })
    await clock.advance(2_000)
    const b = await joinDynamic(coordinator, G, { rebalanceTimeoutMs: 10_000 })
    await clock.advance(3_999)
    expect(await isSettled(a.response)).toBe(false)
    await clock.advance(1)
    const answers: JoinGroupResponse[] = await Promise.all([a.response, b.response])
    expect(answers.map((r) => r.generationId)).toEqual([1, 1])
    expect(clock.now() - 1_700_000_000_000).toBe(6_000)
  })

  it('never waits past the rebalance timeout however many members arrive', async () => {
    const { coordinator, clock } = await groupFixture({ config: delayed })
    const joins = [await joinDynamic(coordinator, G, { rebalanceTimeoutMs: 5_000 })]
    for (let t = 1_000; t < 5_000; t += 1_000) {
      await clock.advance(1_000)
      joins.push(await joinDynamic(coordinator, G, { rebalanceTimeoutMs: 5_000 }))
    }
    expect(await isSettled(joins[0]!.response)).toBe(false)
    await clock.advance(1_000)
    expect((await Promise.all(joins.map((j) => j.response))).every((r) => r.generationId === 1)).toBe(true)
  })
})
