// LeaveGroup v0-5. v1: throttleTimeMs. v3: a batch of members (by member id, or by group
// instance id alone), each answered on its own. v4: flexible. v5: reason.
// Before v3 one member leaves and its error is the response's.
import { ErrorCode } from '../protocol/error-codes.js'
import { LeaveGroup } from '../protocol/generated/leave-group.js'
import type { LeaveGroupResponse } from '../protocol/generated/leave-group.js'
import { defineHandler } from './handler.js'

export const leaveGroup = defineHandler({
  api: LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  handle: async (req, ctx) => {
    const groups = ctx.services.groups
    if (ctx.apiVersion >= 3) return groups.leaveGroup(req.groupId, req.members)
    const left = await groups.leaveGroup(req.groupId, [{ memberId: req.memberId, groupInstanceId: null, reason: null }])
    return singleMember(left)
  },
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, members: [] }),
})

/** Kafka's v0-2 form: the top-level error, else the member's. */
function singleMember(response: LeaveGroupResponse): LeaveGroupResponse {
  const memberError = response.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE
  const errorCode = response.errorCode !== ErrorCode.NONE ? response.errorCode : memberError
  return { throttleTimeMs: response.throttleTimeMs, errorCode, members: [] }
}
