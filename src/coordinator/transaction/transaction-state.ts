/**
 * A transactional id's states, as Kafka's TransactionState, with the status byte each is stored
 * under in __transaction_state and the states each may be entered from.
 *
 * - Empty: no transaction; the producer id and epoch are initialised.
 * - Ongoing: partitions (and offsets) have been added; the transaction timeout runs.
 * - PrepareCommit / PrepareAbort: EndTxn was accepted and written; markers are being written.
 * - CompleteCommit / CompleteAbort: every marker is written; a new transaction may start.
 * - Dead: the transactional id expired; a tombstone removes it from the log.
 * - PrepareEpochFence: in memory only, while an Ongoing transaction is aborted because a new
 *   producer (or the timeout) bumped the epoch; it is written as PrepareAbort.
 */

export enum TxnState {
  Empty = 'Empty',
  Ongoing = 'Ongoing',
  PrepareCommit = 'PrepareCommit',
  PrepareAbort = 'PrepareAbort',
  CompleteCommit = 'CompleteCommit',
  CompleteAbort = 'CompleteAbort',
  Dead = 'Dead',
  PrepareEpochFence = 'PrepareEpochFence',
}

/** TransactionLogValue.TransactionStatus of each state. */
export const txnStatusByte: Record<TxnState, number> = {
  [TxnState.Empty]: 0,
  [TxnState.Ongoing]: 1,
  [TxnState.PrepareCommit]: 2,
  [TxnState.PrepareAbort]: 3,
  [TxnState.CompleteCommit]: 4,
  [TxnState.CompleteAbort]: 5,
  [TxnState.Dead]: 6,
  [TxnState.PrepareEpochFence]: 7,
}

const byStatus = new Map(Object.entries(txnStatusByte).map(([state, status]) => [status, state as TxnState]))

export function txnStateOf(status: number): TxnState {
  const state = byStatus.get(status)
  if (state === undefined) throw new Error(`unknown transaction status ${status}`)
  return state
}

export const legalPrevious: Record<TxnState, readonly TxnState[]> = {
  [TxnState.Empty]: [TxnState.Empty, TxnState.CompleteCommit, TxnState.CompleteAbort],
  [TxnState.Ongoing]: [TxnState.Ongoing, TxnState.Empty, TxnState.CompleteCommit, TxnState.CompleteAbort],
  [TxnState.PrepareCommit]: [TxnState.Ongoing],
  [TxnState.PrepareAbort]: [TxnState.Ongoing, TxnState.PrepareEpochFence],
  [TxnState.CompleteCommit]: [TxnState.PrepareCommit],
  [TxnState.CompleteAbort]: [TxnState.PrepareAbort],
  [TxnState.Dead]: [TxnState.Empty, TxnState.CompleteCommit, TxnState.CompleteAbort],
  [TxnState.PrepareEpochFence]: [TxnState.Ongoing],
}

/** States in which an idle transactional id may expire (transactional.id.expiration.ms). */
export function expirationAllowed(state: TxnState): boolean {
  return state === TxnState.Empty || state === TxnState.CompleteCommit || state === TxnState.CompleteAbort
}
