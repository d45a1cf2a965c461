// ListTransactions v0-1 (flexible). v0: filters by state names and producer ids; unknown state
// names are echoed back. v1: durationFilter, only transactions running longer than it (-1: all).
// As Kafka, it does not create __transaction_state: with no partition loaded the list is empty.
import { ListTransactions } from '../protocol/generated/list-transactions.js'
import { defineHandler } from './handler.js'

export const listTransactions = defineHandler({
  api: ListTransactions,
  minVersion: 0,
  maxVersion: 1,
  handle: (req, ctx) => ctx.services.transactions.list(req.stateFilters, req.producerIdFilters, ctx.apiVersion >= 1 ? Number(req.durationFilter) : -1),
})
