/**
 * Ending a transaction, as Kafka's TransactionCoordinator.endTransaction: PrepareCommit or
 * PrepareAbort is written and the client answered; then the markers are written to every
 * partition of the transaction, and CompleteCommit / CompleteAbort is written. Until then the
 * transactional id has a pending state, so the next transaction's requests are told
 * CONCURRENT_TRANSACTIONS (retriable). The same path aborts a transaction whose producer was
 * fenced (a new InitProducerId) or timed out, under the bumped epoch.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import type { TxnContext } from './context.js'
import { IllegalTransitionError } from './transaction-metadata.js'
import type { TransactionMetadata } from './transaction-metadata.js'
import { TxnState } from './transaction-state.js'

export interface EndTxnCall {
  readonly transactionalId: string
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly commit: boolean
  /** Requests from clients must name the current epoch; fences and timeouts carry the bumped one. */
  readonly fromClient: boolean
}

export async function endTransaction(ctx: TxnContext, call: EndTxnCall): Promise<number> {
  if (call.transactionalId === '') return ErrorCode.INVALID_REQUEST
  const found = ctx.lookup(call.transactionalId)
  if ('errorCode' in found) return found.errorCode
  const txn = found.metadata
  if (!txn) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
  const epochFence = txn.pendingState === TxnState.PrepareEpochFence
  const decision = prepareEnd(ctx, txn, call)
  if (typeof decision === 'number') {
    // A fence that cannot proceed must not leave its pending state behind.
    if (epochFence && txn.pendingState === TxnState.PrepareEpochFence) txn.abandonTransition()
    return decision
  }
  const code = await ctx.write(txn, decision)
  if (code !== ErrorCode.NONE) {
    // The bumped epoch is in memory but not on disk: the next fence reuses it rather than bump again.
    if (epochFence) txn.hasFailedEpochFence = true
    return code
  }
  // Written: the client is answered now and the markers go out in the background.
  const preSend = checkBeforeMarkers(txn, call)
  if (preSend !== ErrorCode.NONE) return preSend
  startCompletion(ctx, txn)
  return ErrorCode.NONE
}

/** Writes the markers in the background; `txn.completing` tells requests that arrive meanwhile. */
export function startCompletion(ctx: TxnContext, txn: TransactionMetadata): void {
  const completing = completeTransaction(ctx, txn).finally(() => {
    if (txn.completing === completing) txn.completing = undefined
  })
  txn.completing = completing
}

function prepareEnd(ctx: TxnContext, txn: TransactionMetadata, call: EndTxnCall) {
  if (txn.producerId !== call.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
  if ((call.fromClient && call.producerEpoch !== txn.producerEpoch) || call.producerEpoch < txn.producerEpoch) return ErrorCode.PRODUCER_FENCED
  const fencing = txn.pendingState === TxnState.PrepareEpochFence
  if (txn.pendingTransitionInProgress && !fencing) return ErrorCode.CONCURRENT_TRANSACTIONS
  const sameResult = (committed: boolean): number => (committed === call.commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE)
  switch (txn.state) {
    case TxnState.Ongoing: {
      if (!call.commit && fencing) txn.takeEpochFence(call.producerEpoch)
      return txn.prepareAbortOrCommit(call.commit ? TxnState.PrepareCommit : TxnState.PrepareAbort, ctx.now())
    }
    // A retry of an EndTxn that completed: the same result succeeds again.
    case TxnState.CompleteCommit:
      return sameResult(true)
    case TxnState.CompleteAbort:
      return sameResult(false)
    // A retry while the markers are still being written.
    case TxnState.PrepareCommit:
      return call.commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE
    case TxnState.PrepareAbort:
      return call.commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS
    case TxnState.Empty:
      return ErrorCode.INVALID_TXN_STATE
    case TxnState.Dead:
    case TxnState.PrepareEpochFence:
      throw new IllegalTransitionError(`transactional id ${call.transactionalId} is in state ${txn.state}, which a loaded id never has`)
  }
}

/** After the Prepare* write: the state must still be the one written before markers go out. */
function checkBeforeMarkers(txn: TransactionMetadata, call: EndTxnCall): number {
  if (txn.producerId !== call.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
  if (txn.producerEpoch !== call.producerEpoch) return ErrorCode.PRODUCER_FENCED
  if (txn.pendingTransitionInProgress) return ErrorCode.CONCURRENT_TRANSACTIONS
  const expected = call.commit ? TxnState.PrepareCommit : TxnState.PrepareAbort
  return txn.state === expected ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE
}

/**
 * Writes the markers of a transaction in PrepareCommit / PrepareAbort, then its Complete* state.
 * Also used at load time for transactions a crash left prepared.
 */
async function completeTransaction(ctx: TxnContext, txn: TransactionMetadata): Promise<void> {
  const commit = txn.state === TxnState.PrepareCommit
  const partitions = txn.partitions
  const marker = { producerId: Number(txn.producerId), producerEpoch: txn.producerEpoch, coordinatorEpoch: ctx.coordinatorEpoch, commit }
  const transit = txn.prepareComplete(ctx.now())
  try {
    if (!(await ctx.markers.writeAll(txn.transactionalId, partitions, marker))) return
    if (await ctx.writeUntilDone(txn, transit)) {
      ctx.log.debug({ transactionalId: txn.transactionalId, state: txn.state }, 'transaction completed')
    }
  } catch (err) {
    ctx.log.error({ err, transactionalId: txn.transactionalId }, 'completing a transaction failed')
  }
}
