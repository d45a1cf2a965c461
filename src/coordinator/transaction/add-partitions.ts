/**
 * AddPartitionsToTxn / AddOffsetsToTxn on the coordinator (Kafka's
 * handleAddPartitionsToTransaction), and the KIP-890 check that a partition is in the ongoing
 * transaction (handleVerifyPartitionsInTransaction, for verify-only requests and Produce).
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import type { TxnContext } from './context.js'
import { TxnState } from './transaction-state.js'

export interface AddPartitionsCall {
  readonly transactionalId: string
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly partitions: readonly (readonly [topic: string, partition: number])[]
}

/**
 * Kafka answers CONCURRENT_TRANSACTIONS while the previous transaction's markers are written and
 * the client retries after its backoff (kafkajs 300 ms, the Java client 20 ms). Here the markers
 * are local appends that land within milliseconds, so the next transaction's first request waits
 * for them, up to this long, and gets the answer its retry would have got.
 */
const COMPLETION_WAIT_MS = 100

export async function addPartitions(ctx: TxnContext, call: AddPartitionsCall): Promise<number> {
  if (call.transactionalId === '') return ErrorCode.INVALID_REQUEST
  const before = ctx.lookup(call.transactionalId)
  const completing = 'metadata' in before ? before.metadata?.completing : undefined
  if (completing) await Promise.race([completing, ctx.sleep(COMPLETION_WAIT_MS)])
  const found = ctx.lookup(call.transactionalId)
  if ('errorCode' in found) return found.errorCode
  const txn = found.metadata
  if (!txn || txn.producerId !== call.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
  if (txn.producerEpoch !== call.producerEpoch) return ErrorCode.PRODUCER_FENCED
  if (txn.pendingTransitionInProgress) return ErrorCode.CONCURRENT_TRANSACTIONS
  if (txn.state === TxnState.PrepareCommit || txn.state === TxnState.PrepareAbort) return ErrorCode.CONCURRENT_TRANSACTIONS
  // Already there: nothing to write.
  if (txn.state === TxnState.Ongoing && txn.partitions.containsAll(call.partitions)) return ErrorCode.NONE
  return ctx.write(txn, txn.prepareAddPartitions(call.partitions, ctx.now()))
}

/**
 * Per partition: NONE when it is in the transaction; TRANSACTION_ABORTABLE when it is not (the
 * producer must abort); or the one error for all when the producer is not the current one.
 */
export function verifyPartitions(ctx: TxnContext, call: AddPartitionsCall): number[] {
  const all = (code: number): number[] => call.partitions.map(() => code)
  if (call.transactionalId === '') return all(ErrorCode.INVALID_REQUEST)
  const found = ctx.lookup(call.transactionalId)
  if ('errorCode' in found) return all(found.errorCode)
  const txn = found.metadata
  if (!txn || txn.producerId !== call.producerId) return all(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
  if (txn.producerEpoch !== call.producerEpoch) return all(ErrorCode.PRODUCER_FENCED)
  if (txn.state === TxnState.PrepareCommit || txn.state === TxnState.PrepareAbort) return all(ErrorCode.CONCURRENT_TRANSACTIONS)
  // Partitions join when their addition is written and leave when the transaction completes.
  const ongoing = txn.state === TxnState.Ongoing
  return call.partitions.map(([topic, partition]) => (ongoing && txn.partitions.has(topic, partition) ? ErrorCode.NONE : ErrorCode.TRANSACTION_ABORTABLE))
}
