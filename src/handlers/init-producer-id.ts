// InitProducerId v0-5. v1: throttleTimeMs. v2: flexible. v3: producerId and producerEpoch of the
// caller, so a transactional producer can bump its epoch after an error (KIP-360) instead of
// starting over. v4: a client may receive PRODUCER_FENCED in place of INVALID_PRODUCER_EPOCH.
// v5: no wire change (KIP-890 transaction version). A null transactional id gets a fresh
// producer id with epoch 0 (an idempotent producer); a transactional one goes to the coordinator.
import { ErrorCode } from '../protocol/error-codes.js'
import { InitProducerId } from '../protocol/generated/init-producer-id.js'
import type { InitProducerIdResponse } from '../protocol/generated/init-producer-id.js'
import { defineHandler } from './handler.js'

const NO_PRODUCER_ID = -1n
const NO_PRODUCER_EPOCH = -1

export const initProducerId = defineHandler({
  api: InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  handle: async (req, ctx) => {
    // Both or neither: a producer id without its epoch (or the reverse) is malformed.
    const noId = req.producerId === NO_PRODUCER_ID
    const noEpoch = req.producerEpoch === NO_PRODUCER_EPOCH
    if (noId !== noEpoch) return failed(ErrorCode.INVALID_REQUEST)
    const expected = noId ? undefined : { producerId: req.producerId, producerEpoch: req.producerEpoch }
    if (req.transactionalId !== null) await ctx.services.transactions.ready()
    const result = await ctx.services.transactions.initProducerId(req.transactionalId, req.transactionTimeoutMs, expected)
    // Clients before v4 know PRODUCER_FENCED only as INVALID_PRODUCER_EPOCH.
    const errorCode = result.errorCode === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 4 ? ErrorCode.INVALID_PRODUCER_EPOCH : result.errorCode
    return { throttleTimeMs: 0, ...result, errorCode }
  },
  errorResponse: (_req, errorCode) => failed(errorCode),
})

function failed(errorCode: number): InitProducerIdResponse {
  return { throttleTimeMs: 0, errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH }
}
