/**
 * InitProducerId for a transactional id, as Kafka's TransactionCoordinator.handleInitProducerId:
 * a new id gets a producer id and epoch 0; an id at rest gets its epoch bumped (fencing the
 * previous producer); an epoch about to overflow rotates to a new producer id; an Ongoing
 * transaction is first aborted under a bumped epoch and the caller told CONCURRENT_TRANSACTIONS,
 * so its retry bumps again. With v3+ the caller may name its producer id and epoch to recover
 * after an error (KIP-360); a stale pair is PRODUCER_FENCED.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import type { TxnContext } from './context.js'
import { endTransaction } from './end-transaction.js'
import { IllegalTransitionError, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, TransactionMetadata, isEpochExhausted } from './transaction-metadata.js'
import type { TxnTransit } from './transaction-metadata.js'
import { TxnState } from './transaction-state.js'

export interface ProducerIdAndEpoch {
  readonly producerId: bigint
  readonly producerEpoch: number
}

export interface InitProducerIdResult {
  readonly errorCode: number
  readonly producerId: bigint
  readonly producerEpoch: number
}

export function initFailed(errorCode: number): InitProducerIdResult {
  return { errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH }
}

export async function initTransactionalProducer(
  ctx: TxnContext,
  transactionalId: string,
  timeoutMs: number,
  expected: ProducerIdAndEpoch | undefined,
): Promise<InitProducerIdResult> {
  if (transactionalId === '') return initFailed(ErrorCode.INVALID_REQUEST)
  if (timeoutMs <= 0 || timeoutMs > ctx.config.maxTimeoutMs) return initFailed(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
  // A producer id is fetched before deciding when one may be needed: fetching may wait for a block to be reserved.
  let freshId: bigint | undefined
  for (;;) {
    const found = ctx.lookup(transactionalId)
    if ('errorCode' in found) return initFailed(found.errorCode)
    let txn = found.metadata
    if (!txn) {
      if (freshId === undefined) {
        freshId = await ctx.generateProducerId()
        continue
      }
      txn = ctx.putIfAbsent(
        new TransactionMetadata(transactionalId, {
          producerId: freshId,
          lastProducerId: NO_PRODUCER_ID,
          producerEpoch: NO_PRODUCER_EPOCH,
          lastProducerEpoch: NO_PRODUCER_EPOCH,
          timeoutMs,
          state: TxnState.Empty,
          startTimestamp: -1,
          lastUpdateTimestamp: ctx.now(),
        }),
      )
      if (txn.producerId === freshId) freshId = undefined
    }
    const step = prepareInit(ctx, txn, timeoutMs, expected, freshId)
    if (step === 'need-producer-id') {
      freshId = await ctx.generateProducerId()
      continue
    }
    if (typeof step === 'number') return initFailed(step)
    if (step.state === TxnState.PrepareEpochFence) {
      // Abort the ongoing transaction under the bumped epoch; the caller retries and gets the next one.
      const code = await endTransaction(ctx, { transactionalId, producerId: step.producerId, producerEpoch: step.producerEpoch, commit: false, fromClient: false })
      return initFailed(code === ErrorCode.NONE ? ErrorCode.CONCURRENT_TRANSACTIONS : code)
    }
    const code = await ctx.write(txn, step)
    if (code !== ErrorCode.NONE) return initFailed(code)
    ctx.log.info({ transactionalId, producerId: step.producerId, producerEpoch: step.producerEpoch }, 'initialized transactional producer')
    return { errorCode: ErrorCode.NONE, producerId: step.producerId, producerEpoch: step.producerEpoch }
  }
}

function prepareInit(
  ctx: TxnContext,
  txn: TransactionMetadata,
  timeoutMs: number,
  expected: ProducerIdAndEpoch | undefined,
  freshId: bigint | undefined,
): TxnTransit | number | 'need-producer-id' {
  if (txn.pendingTransitionInProgress) return ErrorCode.CONCURRENT_TRANSACTIONS
  if (expected && !isValidProducerId(txn, expected)) return ErrorCode.PRODUCER_FENCED
  switch (txn.state) {
    case TxnState.PrepareAbort:
    case TxnState.PrepareCommit:
      return ErrorCode.CONCURRENT_TRANSACTIONS
    case TxnState.Empty:
    case TxnState.CompleteAbort:
    case TxnState.CompleteCommit: {
      if (txn.isProducerEpochExhausted && (!expected || expected.producerEpoch === txn.producerEpoch)) {
        if (freshId === undefined) return 'need-producer-id'
        return txn.prepareProducerIdRotation(freshId, timeoutMs, ctx.now(), expected !== undefined)
      }
      const transit = txn.prepareIncrementProducerEpoch(timeoutMs, expected?.producerEpoch, ctx.now())
      return transit === 'fenced' ? ErrorCode.PRODUCER_FENCED : transit
    }
    case TxnState.Ongoing:
      return txn.prepareFenceProducerEpoch()
    case TxnState.Dead:
    case TxnState.PrepareEpochFence:
      throw new IllegalTransitionError(`transactional id ${txn.transactionalId} is in state ${txn.state}, which a loaded id never has`)
  }
}

/**
 * The caller's id and epoch are acceptable when the id was just created, when the id is the
 * current one (the epoch is checked when bumping), or when it is the previous one with an
 * exhausted epoch (a retry after a rotation whose answer was lost).
 */
function isValidProducerId(txn: TransactionMetadata, expected: ProducerIdAndEpoch): boolean {
  return (
    txn.producerEpoch === NO_PRODUCER_EPOCH ||
    expected.producerId === txn.producerId ||
    (expected.producerId === txn.lastProducerId && isEpochExhausted(expected.producerEpoch))
  )
}
