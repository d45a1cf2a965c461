// ListPartitionReassignments v0. Brook never moves a replica (see alter-partition-reassignments.ts),
// so no reassignment is ever in progress: the answer lists none, for any topics asked about.
import { ErrorCode } from '../protocol/error-codes.js'
import { ListPartitionReassignments } from '../protocol/generated/list-partition-reassignments.js'
import { defineHandler } from './handler.js'

export const listPartitionReassignments = defineHandler({
  api: ListPartitionReassignments,
  minVersion: 0,
  maxVersion: 0,
  handle: () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics: [] }),
})
