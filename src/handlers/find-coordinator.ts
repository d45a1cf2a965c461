// FindCoordinator v0-5. v0: group keys only. v1: keyType (0 group, 1 transaction), throttleTimeMs,
// errorMessage. v3: flexible. v4+: batched coordinatorKeys, answered per key.
// One node leads every partition, so a group's coordinator is this node once its
// __consumer_offsets partition is ours, and a transactional id's once its __transaction_state
// partition is. Kafka creates the topic on the first lookup and answers COORDINATOR_NOT_AVAILABLE
// meanwhile; Brook answers once it is created.
import { ErrorCode, errorName } from '../protocol/error-codes.js'
import { FindCoordinator } from '../protocol/generated/find-coordinator.js'
import type { Coordinator, FindCoordinatorRequest, FindCoordinatorResponse } from '../protocol/generated/find-coordinator.js'
import { defineHandler } from './handler.js'
import type { RequestContext } from './handler.js'

const GROUP_KEY_TYPE = 0
const TRANSACTION_KEY_TYPE = 1
const NOT_AVAILABLE = 'The coordinator is not available.'

export const findCoordinator = defineHandler({
  api: FindCoordinator,
  minVersion: 0,
  maxVersion: 5,
  handle: async (req, ctx) => {
    // A failure is logged where it happens; the keys are then answered as not available.
    if (req.keyType === GROUP_KEY_TYPE) await ctx.services.groups.ready().catch(() => {})
    if (req.keyType === TRANSACTION_KEY_TYPE) await ctx.services.transactions.ready().catch(() => {})
    return answer(req, ctx, (key) => locate(key, req.keyType, ctx))
  },
  errorResponse: (req, errorCode, ctx) => answer(req, ctx, (key) => missing(key, errorCode, errorName(errorCode))),
})

/** v4+ answer per key in `coordinators`; earlier versions carry the one key's answer at the top level. */
function answer(req: FindCoordinatorRequest, ctx: RequestContext, per: (key: string) => Coordinator): FindCoordinatorResponse {
  if (ctx.apiVersion >= 4) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId: -1, host: '', port: -1, coordinators: req.coordinatorKeys.map(per) }
  }
  const { errorCode, errorMessage, nodeId, host, port } = per(req.key)
  return { throttleTimeMs: 0, errorCode, errorMessage, nodeId, host, port, coordinators: [] }
}

function locate(key: string, keyType: number, ctx: RequestContext): Coordinator {
  if (keyType !== GROUP_KEY_TYPE && keyType !== TRANSACTION_KEY_TYPE) return missing(key, ErrorCode.INVALID_REQUEST, `Unknown coordinator type received: ${keyType}`)
  const coordinator = keyType === GROUP_KEY_TYPE ? ctx.services.groups : ctx.services.transactions
  const endpoint = ctx.services.cluster.endpointFor(ctx.connection.listenerName)
  if (!endpoint || !coordinator.ownsPartition(coordinator.partitionFor(key))) return missing(key, ErrorCode.COORDINATOR_NOT_AVAILABLE, NOT_AVAILABLE)
  // Kafka's message for success is the error's name.
  return { key, nodeId: ctx.services.cluster.nodeId, host: endpoint.host, port: endpoint.port, errorCode: ErrorCode.NONE, errorMessage: 'NONE' }
}

function missing(key: string, errorCode: number, errorMessage: string): Coordinator {
  return { key, nodeId: -1, host: '', port: -1, errorCode, errorMessage }
}
