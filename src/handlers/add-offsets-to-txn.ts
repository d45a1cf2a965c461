// AddOffsetsToTxn v0-4. v1: no wire change. v2: a client may receive PRODUCER_FENCED (older
// versions get INVALID_PRODUCER_EPOCH). v3: flexible. Adds the group's __consumer_offsets
// partition to the transaction, so its TxnOffsetCommit records get the transaction's marker.
import { ErrorCode } from '../protocol/error-codes.js'
import { AddOffsetsToTxn } from '../protocol/generated/add-offsets-to-txn.js'
import { OFFSETS_TOPIC } from '../coordinator/group/partition-group-log.js'
import { defineHandler } from './handler.js'

export const addOffsetsToTxn = defineHandler({
  api: AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 4,
  handle: async (req, ctx) => {
    const { groups, transactions } = ctx.services
    // The marker goes to __consumer_offsets, which exists only once a group coordinator was asked for.
    await Promise.all([groups.ready(), transactions.ready()])
    const code = await transactions.addPartitions({
      transactionalId: req.transactionalId,
      producerId: req.producerId,
      producerEpoch: req.producerEpoch,
      partitions: [[OFFSETS_TOPIC, groups.partitionFor(req.groupId)]],
    })
    return { throttleTimeMs: 0, errorCode: code === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : code }
  },
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode }),
})
