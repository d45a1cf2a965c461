/**
 * The coordinator's two periodic jobs, as Kafka's TransactionStateManager runs them: abort
 * transactions open longer than their transaction.timeout.ms (under a bumped epoch, so the
 * producer that let it expire is fenced), and remove transactional ids idle for
 * transactional.id.expiration.ms (a tombstone in __transaction_state).
 */
import { ErrorCode, errorName } from '../../protocol/error-codes.js'
import type { TxnContext } from './context.js'
import { endTransaction } from './end-transaction.js'
import type { TransactionMetadata } from './transaction-metadata.js'
import { TxnState, expirationAllowed } from './transaction-state.js'

export async function abortTimedOutTransactions(ctx: TxnContext, txns: readonly TransactionMetadata[]): Promise<void> {
  const now = ctx.now()
  const expired = txns.filter((t) => !t.pendingTransitionInProgress && t.state === TxnState.Ongoing && t.startTimestamp + t.timeoutMs < now)
  await Promise.all(
    expired.map(async (txn) => {
      const fence = txn.prepareFenceProducerEpoch()
      const code = await endTransaction(ctx, { transactionalId: txn.transactionalId, producerId: fence.producerId, producerEpoch: fence.producerEpoch, commit: false, fromClient: false })
      const fields = { transactionalId: txn.transactionalId, producerId: fence.producerId, producerEpoch: fence.producerEpoch }
      if (code === ErrorCode.NONE) ctx.log.info(fields, 'aborting a transaction that exceeded its timeout')
      else ctx.log.warn({ ...fields, error: errorName(code) }, 'aborting a timed-out transaction failed')
    }),
  )
}

export async function removeExpiredTransactionalIds(ctx: TxnContext, txns: readonly TransactionMetadata[]): Promise<void> {
  const cutoff = ctx.now() - ctx.config.transactionalIdExpirationMs
  const expired = txns.filter((t) => !t.pendingTransitionInProgress && expirationAllowed(t.state) && t.lastUpdateTimestamp <= cutoff)
  await Promise.all(
    expired.map(async (txn) => {
      const code = await ctx.write(txn, txn.prepareDead())
      if (code === ErrorCode.NONE) ctx.log.info({ transactionalId: txn.transactionalId }, 'removed an expired transactional id')
      else ctx.log.warn({ transactionalId: txn.transactionalId, error: errorName(code) }, 'removing an expired transactional id failed')
    }),
  )
}
