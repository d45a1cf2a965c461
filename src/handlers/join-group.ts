// JoinGroup v0-9. v1: rebalanceTimeoutMs (v0 uses the session timeout). v2: throttleTimeMs.
// v4: MEMBER_ID_REQUIRED for a first join. v5: groupInstanceId (static membership). v6: flexible.
// v7: protocolType in the response, protocolName nullable. v8: reason. v9: skipAssignment.
// The answer may wait for the rebalance; the connection keeps later responses behind it.
import { joinError } from '../coordinator/group/responses.js'
import { JoinGroup } from '../protocol/generated/join-group.js'
import type { JoinGroupResponse } from '../protocol/generated/join-group.js'
import { defineHandler } from './handler.js'

export const joinGroup = defineHandler({
  api: JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  handle: async (req, ctx) => {
    const client = { clientId: ctx.clientId ?? '', clientHost: clientHost(ctx.connection.remote), apiVersion: ctx.apiVersion }
    return forVersion(await ctx.services.groups.joinGroup(req, client), ctx.apiVersion)
  },
  errorResponse: (req, errorCode, ctx) => forVersion(joinError(req.memberId, errorCode), ctx.apiVersion),
})

/** Before v7 the protocol name cannot be null; Kafka sends an empty string instead. */
function forVersion(response: JoinGroupResponse, version: number): JoinGroupResponse {
  return version < 7 && response.protocolName === null ? { ...response, protocolName: '' } : response
}

/** How Kafka shows a member's host (InetAddress.toString): `/` and the address, IPv4-mapped addresses as IPv4. */
export function clientHost(remote: string): string {
  const address = remote.slice(0, remote.lastIndexOf(':'))
  return `/${address.startsWith('::ffff:') ? address.slice(7) : address}`
}
