/**
 * LeaveGroup: members leave by member id, or (v3+, administratively) by group instance id with
 * an unknown member id. Each member gets its own error; the group rebalances without them.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import type { MemberIdentity, MemberResponse } from '../../protocol/generated/leave-group.js'
import type { CoordinatorContext } from './context.js'
import { GroupState } from './group-state.js'
import { timerKey } from './keyed-timers.js'
import { dropMember, maybeCompleteJoinPhase, maybePrepareRebalanceOrCompleteJoin } from './rebalance.js'
import { UNKNOWN_MEMBER_ID } from './responses.js'

/** One response per leaving member, in request order. */
export function leaveGroup(ctx: CoordinatorContext, groupId: string, leaving: readonly MemberIdentity[]): MemberResponse[] {
  const answer = (m: MemberIdentity, errorCode: number): MemberResponse => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    errorCode,
  })
  const group = ctx.groups.get(groupId)
  if (!group) return leaving.map((m) => answer(m, ErrorCode.UNKNOWN_MEMBER_ID))
  const left: string[] = []
  const responses = leaving.map((m) => {
    let memberId = m.memberId
    if (memberId === UNKNOWN_MEMBER_ID) {
      const current = m.groupInstanceId === null ? undefined : group.staticMemberId(m.groupInstanceId)
      if (current === undefined) return answer(m, ErrorCode.UNKNOWN_MEMBER_ID)
      memberId = current
    } else if (group.isPendingMember(memberId)) {
      group.remove(memberId)
      ctx.timers.cancel(timerKey.heartbeat(groupId, memberId))
      left.push(memberId)
      return answer(m, ErrorCode.NONE)
    } else {
      const errorCode = group.validateMember(memberId, m.groupInstanceId)
      if (errorCode !== ErrorCode.NONE) return answer(m, errorCode)
    }
    const member = group.member(memberId)
    if (!member) return answer(m, ErrorCode.UNKNOWN_MEMBER_ID)
    ctx.log.info({ groupId, memberId, reason: m.reason ?? 'not provided' }, 'member left the group')
    dropMember(ctx, group, member)
    left.push(memberId)
    return answer(m, ErrorCode.NONE)
  })
  if (left.length > 0) {
    const reason = `explicit LeaveGroup request for (${left.join(', ')})`
    if (group.is(GroupState.Stable) || group.is(GroupState.CompletingRebalance)) maybePrepareRebalanceOrCompleteJoin(ctx, group, reason)
    else if (group.is(GroupState.PreparingRebalance)) maybeCompleteJoinPhase(ctx, group)
  }
  return responses
}
