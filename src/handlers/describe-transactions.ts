// DescribeTransactions v0 (flexible): each transactional id's state, producer, timeout, start
// time and partitions, or TRANSACTIONAL_ID_NOT_FOUND. As Kafka, it does not create
// __transaction_state: while the topic does not exist no partition is loaded, so an id is
// answered NOT_COORDINATOR (Kafka's TransactionStateManager for a partition it does not own).
import { DescribeTransactions } from '../protocol/generated/describe-transactions.js'
import { defineHandler } from './handler.js'

export const describeTransactions = defineHandler({
  api: DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  handle: (req, ctx) => ({ throttleTimeMs: 0, transactionStates: req.transactionalIds.map((id) => ctx.services.transactions.describe(id)) }),
})
