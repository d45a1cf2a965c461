// EndTxn v0-4. v1: no wire change. v2: a client may receive PRODUCER_FENCED (older versions get
// INVALID_PRODUCER_EPOCH). v3: flexible. v4: no wire change (TRANSACTION_ABORTABLE known to the
// client). The answer comes once PrepareCommit / PrepareAbort is written; markers follow.
import { ErrorCode } from '../protocol/error-codes.js'
import { EndTxn } from '../protocol/generated/end-txn.js'
import { defineHandler } from './handler.js'

export const endTxn = defineHandler({
  api: EndTxn,
  minVersion: 0,
  maxVersion: 4,
  handle: async (req, ctx) => {
    await ctx.services.transactions.ready()
    const code = await ctx.services.transactions.endTransaction({
      transactionalId: req.transactionalId,
      producerId: req.producerId,
      producerEpoch: req.producerEpoch,
      commit: req.committed,
    })
    return { throttleTimeMs: 0, errorCode: code === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : code }
  },
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode }),
})
