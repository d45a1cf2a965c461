// DescribeTransactions v0 (flexible): each transactional id's state, producer, timeout, start
// time and partitions, or TRANSACTIONAL_ID_NOT_FOUND.
import { DescribeTransactions } from '../protocol/generated/describe-transactions.js'
import { defineHandler } from './handler.js'

export const describeTransactions = defineHandler({
  api: DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  handle: async (req, ctx) => {
    await ctx.services.transactions.ready()
    return { throttleTimeMs: 0, transactionStates: req.transactionalIds.map((id) => ctx.services.transactions.describe(id)) }
  },
})
