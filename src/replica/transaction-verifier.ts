/**
 * Partition verification for transactional produce (KIP-890 part 1, Kafka 3.6+): before a
 * transactional batch is appended, the leader asks the transaction coordinator whether the
 * partition was added to the producer's ongoing transaction. The Produce path consults this
 * seam; the transaction coordinator implements it.
 */
import { ErrorCode } from '../protocol/error-codes.js'

export interface TransactionVerifier {
  /**
   * ErrorCode.NONE when `topic`-`partition` is in the ongoing transaction of `transactionalId`
   * with this producer id and epoch; otherwise Kafka's answer (INVALID_TXN_STATE when the
   * partition is not in the transaction, INVALID_PRODUCER_EPOCH for a stale epoch, ...).
   * `abortableSupported`: the request's version knows TRANSACTION_ABORTABLE (KIP-890), which is
   * then answered instead of INVALID_TXN_STATE.
   */
  verify(transactionalId: string, producerId: number, producerEpoch: number, topic: string, partition: number, abortableSupported?: boolean): number
}

/** The verifier used until a transaction coordinator is wired: no partition is in a transaction. */
export const NO_TRANSACTIONS: TransactionVerifier = Object.freeze({
  verify: () => ErrorCode.INVALID_TXN_STATE,
})
