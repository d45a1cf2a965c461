/**
 * Heartbeat: keeps a member's session alive; during a rebalance it is also how members learn
 * they must rejoin (REBALANCE_IN_PROGRESS).
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import type { HeartbeatRequest } from '../../protocol/generated/heartbeat.js'
import type { CoordinatorContext } from './context.js'
import { GroupState } from './group-state.js'
import { rescheduleHeartbeat } from './rebalance.js'

/** The heartbeat's error code. */
export function heartbeat(ctx: CoordinatorContext, req: HeartbeatRequest): number {
  const group = ctx.groups.get(req.groupId)
  if (!group) return ErrorCode.UNKNOWN_MEMBER_ID
  const memberError = group.validateMember(req.memberId, req.groupInstanceId)
  if (memberError !== ErrorCode.NONE) return memberError
  if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
  const member = group.member(req.memberId)
  if (!member) return ErrorCode.UNKNOWN_MEMBER_ID
  switch (group.state) {
    case GroupState.PreparingRebalance:
      rescheduleHeartbeat(ctx, group, member)
      return ErrorCode.REBALANCE_IN_PROGRESS
    // Members heartbeat between their JoinGroup and SyncGroup answers too.
    case GroupState.CompletingRebalance:
    case GroupState.Stable:
      rescheduleHeartbeat(ctx, group, member)
      return ErrorCode.NONE
    default:
      return ErrorCode.UNKNOWN_MEMBER_ID
  }
}
