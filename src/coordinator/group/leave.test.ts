import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/error-codes.js'
import { decodeRecord } from './records.js'
import { CLIENT, groupFixture, isSettled, joinDynamic, joinRequest, syncRequest } from '../../../test/helpers/group-fixture.js'

const G = 'leave-group'
const member = (memberId: string, groupInstanceId: string | null = null) => ({ memberId, groupInstanceId, reason: null })

async function stableGroup(instances: (string | null)[]) {
  const f = await groupFixture()
  const joins = []
  for (const groupInstanceId of instances) {
    if (groupInstanceId === null) joins.push((await joinDynamic(f.coordinator, G)).response)
    else joins.push(f.coordinator.joinGroup(joinRequest(G, { groupInstanceId }), CLIENT))
  }
  await f.clock.advance(0)
  const answers = await Promise.all(joins)
  const leader = answers.find((a) => a.leader === a.memberId)!
  const syncs = answers.filter((a) => a !== leader).map((a) => f.coordinator.syncGroup(syncRequest(G, a, { groupInstanceId: instances[answers.indexOf(a)] ?? null })))
  await f.coordinator.syncGroup(syncRequest(G, leader, { groupInstanceId: instances[answers.indexOf(leader)] ?? null }))
  await Promise.all(syncs)
  return { ...f, answers, leader }
}

describe('LeaveGroup', () => {
  it('removes the member and rebalances the rest', async () => {
    const { coordinator, answers } = await stableGroup([null, null])
    const [a, b] = answers as [(typeof answers)[0], (typeof answers)[0]]
    const left = await coordinator.leaveGroup(G, [member(a.memberId)])
    expect(left).toEqual({ throttleTimeMs: 0, errorCode: 0, members: [{ memberId: a.memberId, groupInstanceId: null, errorCode: 0 }] })
    expect(coordinator.groupState(G)).toBe('PreparingRebalance')
    expect(coordinator.heartbeat({ groupId: G, generationId: 1, memberId: b.memberId, groupInstanceId: null }).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    )
  })

  it('answers each member of a batch (v3+) on its own', async () => {
    const { coordinator, answers } = await stableGroup([null, null, 'static-1'])
    const [a, , s] = answers as [(typeof answers)[0], (typeof answers)[0], (typeof answers)[0]]
    const left = await coordinator.leaveGroup(G, [member(a.memberId), member('ghost'), member(s.memberId, 'wrong-instance'), member('', 'static-1')])
    expect(left.members.map((m) => m.errorCode)).toEqual([0, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID, 0])
  })

  it('removes a static member by group instance id alone, and fences a member id that is not the instance\'s', async () => {
    const { coordinator, answers } = await stableGroup(['static-1', 'static-2'])
    const [s1] = answers as [(typeof answers)[0]]
    const fenced = await coordinator.leaveGroup(G, [member('not-its-id', 'static-1')])
    expect(fenced.members[0]?.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
    const byInstance = await coordinator.leaveGroup(G, [member('', 'static-1')])
    expect(byInstance.members[0]?.errorCode).toBe(0)
    expect(coordinator.heartbeat({ groupId: G, generationId: 1, memberId: s1.memberId, groupInstanceId: 'static-1' }).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    )
    expect((await coordinator.leaveGroup(G, [member('', 'static-1')])).members[0]?.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('answers UNKNOWN_MEMBER_ID per member for a group that does not exist, INVALID_GROUP_ID for an empty id', async () => {
    const { coordinator } = await groupFixture()
    expect((await coordinator.leaveGroup('nothing', [member('a'), member('b')])).members.map((m) => m.errorCode)).toEqual([
      ErrorCode.UNKNOWN_MEMBER_ID,
      ErrorCode.UNKNOWN_MEMBER_ID,
    ])
    expect(await coordinator.leaveGroup('', [member('a')])).toEqual({ throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID, members: [] })
  })

  it('lets a member that only got its id (MEMBER_ID_REQUIRED) leave', async () => {
    const { coordinator } = await groupFixture()
    const { memberId } = await coordinator.joinGroup(joinRequest(G), CLIENT)
    expect((await coordinator.leaveGroup(G, [member(memberId)])).members[0]?.errorCode).toBe(0)
    expect((await coordinator.joinGroup(joinRequest(G, { memberId }), CLIENT)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('answers a leaving member\'s parked JoinGroup with UNKNOWN_MEMBER_ID', async () => {
    const { coordinator, clock } = await groupFixture({ config: { initialRebalanceDelayMs: 1_000 } })
    const parked = await joinDynamic(coordinator, G)
    await coordinator.leaveGroup(G, [member(parked.memberId)])
    expect(await parked.response).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: '' })
    await clock.advance(1_000)
    expect(coordinator.groupState(G)).toBe('Empty')
  })

  it('answers the last member\'s leave only once the empty group is written', async () => {
    const { coordinator, groupLog, answers } = await stableGroup([null])
    groupLog.hold()
    const leave = coordinator.leaveGroup(G, [member(answers[0]!.memberId)])
    expect(await isSettled(leave)).toBe(false)
    expect(coordinator.groupState(G)).toBe('Empty')
    groupLog.release()
    expect((await leave).members[0]?.errorCode).toBe(0)
    expect(groupLog.all().map(decodeRecord).at(-1)).toMatchObject({ type: 'group', value: { generation: 2, members: [] } })
  })
})
