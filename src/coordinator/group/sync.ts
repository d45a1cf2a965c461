/**
 * SyncGroup: followers park until the leader's assignment is written; the leader's assignment
 * is relayed byte for byte, with an empty assignment for any member it left out.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/generated/sync-group.js'
import { EMPTY_BUFFER } from '../../protocol/primitives/reader.js'
import { bothWaiters } from './classic-group.js'
import type { ClassicGroup } from './classic-group.js'
import type { CoordinatorContext } from './context.js'
import { GroupState } from './group-state.js'
import { removePendingSyncMember, storeAssignment } from './rebalance.js'
import { syncError } from './responses.js'

export function syncGroup(ctx: CoordinatorContext, req: SyncGroupRequest): Promise<SyncGroupResponse> {
  const group = ctx.groups.get(req.groupId)
  if (!group) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID))
  const errorCode = validateSync(group, req)
  if (errorCode !== ErrorCode.NONE) return Promise.resolve(syncError(errorCode))
  const member = group.member(req.memberId)
  if (!member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID))
  switch (group.state) {
    case GroupState.PreparingRebalance:
      return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
    case GroupState.Stable:
      removePendingSyncMember(ctx, group, member.memberId)
      return Promise.resolve({
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        assignment: member.assignment,
      })
    case GroupState.CompletingRebalance:
      break
    default:
      return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID))
  }
  const response = new Promise<SyncGroupResponse>((resolve) => {
    member.syncWaiter = member.syncWaiter ? bothWaiters(member.syncWaiter, resolve) : resolve
  })
  removePendingSyncMember(ctx, group, member.memberId)
  if (group.isLeader(member.memberId)) {
    ctx.log.info(
      { groupId: group.groupId, generationId: group.generationId, members: group.size },
      'assignment received from the group leader',
    )
    storeAssignment(ctx, group, leaderAssignment(group, req))
  }
  return response
}

function validateSync(group: ClassicGroup, req: SyncGroupRequest): number {
  const memberError = group.validateMember(req.memberId, req.groupInstanceId)
  if (memberError !== ErrorCode.NONE) return memberError
  if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
  // v5+ name the protocol; a mismatch means the client is in a different group than it thinks.
  if (inconsistent(req.protocolType, group.protocolType) || inconsistent(req.protocolName, group.protocolName)) {
    return ErrorCode.INCONSISTENT_GROUP_PROTOCOL
  }
  return ErrorCode.NONE
}

function inconsistent(requested: string | null, current: string | null): boolean {
  return requested !== null && current !== null && requested !== current
}

/** Every member's assignment bytes (copied out of the request frame); members the leader skipped get none. */
function leaderAssignment(group: ClassicGroup, req: SyncGroupRequest): Map<string, Buffer> {
  const assignments = new Map<string, Buffer>(req.assignments.map((a) => [a.memberId, Buffer.from(a.assignment)]))
  for (const member of group.members) if (!assignments.has(member.memberId)) assignments.set(member.memberId, EMPTY_BUFFER)
  return assignments
}
