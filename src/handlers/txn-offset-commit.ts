// TxnOffsetCommit v0-4. v1: no wire change. v2: committedLeaderEpoch. v3: flexible, and the
// consumer's generation, member id and group instance id, checked as for OffsetCommit (KIP-447).
// v4: no wire change; TRANSACTION_ABORTABLE is answered (older versions get INVALID_TXN_STATE).
// A stale producer epoch is INVALID_PRODUCER_EPOCH at every version, as Kafka's verification
// maps PRODUCER_FENCED. The offsets count once the producer's transaction commits.
import { TxnOffsetCommit } from '../protocol/generated/txn-offset-commit.js'
import { defineHandler } from './handler.js'

export const txnOffsetCommit = defineHandler({
  api: TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 4,
  handle: (req, ctx) => ctx.services.groups.commitTxnOffsets(req, ctx.apiVersion),
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  }),
})
