// DescribeGroups v0-5. v1: throttleTimeMs. v3: authorized operations. v4: groupInstanceId.
// v5: flexible. A group that does not exist is described as Dead (GROUP_ID_NOT_FOUND is v6+).
import { DescribeGroups } from '../protocol/generated/describe-groups.js'
import { AclOperation, OPERATIONS_NOT_REQUESTED } from './authorized-operations.js'
import { defineHandler } from './handler.js'

/** What Kafka grants on a group without an authorizer. */
const ALL_GROUP_OPERATIONS = (1 << AclOperation.READ) | (1 << AclOperation.DESCRIBE) | (1 << AclOperation.DELETE)

export const describeGroups = defineHandler({
  api: DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle: (req, ctx) => {
    const authorizedOperations = req.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : OPERATIONS_NOT_REQUESTED
    const described = ctx.services.groups.describeGroups(req.groups)
    return { throttleTimeMs: 0, groups: described.map((g) => ({ ...g, authorizedOperations })) }
  },
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    groups: req.groups.map((groupId) => ({
      errorCode,
      groupId,
      groupState: '',
      protocolType: '',
      protocolData: '',
      members: [],
      authorizedOperations: OPERATIONS_NOT_REQUESTED,
    })),
  }),
})
