/**
 * Validates one append's batches of one producer against its state and accumulates the new
 * state (Kafka's ProducerAppendInfo). Works on a copy of the entry: a refused append leaves
 * the partition's state untouched.
 *
 * Checks, by origin ('client' is Produce, 'coordinator' a coordinator's own writes and the
 * transaction markers, 'replication' the rebuild from the log at start-up, which checks nothing):
 *   - epoch older than the producer's                → INVALID_PRODUCER_EPOCH (client, coordinator)
 *   - a marker from an older coordinator epoch      → TRANSACTION_COORDINATOR_FENCED
 *   - client data batches, same epoch: the first sequence must follow the last one (Int32 max
 *     wraps to 0), unless the producer is unknown; a new epoch must start at sequence 0 unless
 *     the producer had no epoch                     → OUT_OF_ORDER_SEQUENCE_NUMBER
 *   - a non-transactional batch inside an ongoing transaction → INVALID_TXN_STATE
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { ProducerStateError } from './producer-state-error.js'
import { NO_PRODUCER_EPOCH, NO_SEQUENCE, ProducerStateEntry } from './producer-state-entry.js'

export type AppendOrigin = 'client' | 'coordinator' | 'replication'

/** A transaction ended by a marker: its range, and whether it was aborted. */
export interface CompletedTxn {
  producerId: number
  firstOffset: number
  /** The marker's offset. */
  lastOffset: number
  isAborted: boolean
}

export interface DataBatch {
  epoch: number
  firstSeq: number
  lastSeq: number
  firstOffset: number
  lastOffset: number
  maxTimestamp: number
  transactional: boolean
}

export interface MarkerBatch {
  epoch: number
  offset: number
  timestamp: number
  coordinatorEpoch: number
  commit: boolean
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === 2147483647)
}

export class ProducerAppendInfo {
  readonly producerId: number
  readonly #current: ProducerStateEntry
  readonly #origin: AppendOrigin
  readonly #tp: string
  /** The state after this append's batches so far. */
  readonly updated: ProducerStateEntry
  /** First offsets of the transactions this append began. */
  readonly startedTxns: number[] = []

  constructor(tp: string, producerId: number, current: ProducerStateEntry | undefined, origin: AppendOrigin) {
    this.#tp = tp
    this.producerId = producerId
    this.#current = current ?? new ProducerStateEntry(producerId)
    this.#origin = origin
    this.updated = this.#current.clone()
  }

  #checkProducerEpoch(epoch: number, offset: number): void {
    const current = this.updated.producerEpoch
    if (epoch >= current || this.#origin === 'replication') return
    throw new ProducerStateError(
      ErrorCode.INVALID_PRODUCER_EPOCH,
      `Epoch of producer ${this.producerId} at offset ${offset} in ${this.#tp} is ${epoch}, which is smaller than the last seen epoch ${current}`,
    )
  }

  #checkSequence(epoch: number, firstSeq: number, offset: number): void {
    const updated = this.updated
    if (epoch !== updated.producerEpoch) {
      if (firstSeq !== 0 && updated.producerEpoch !== NO_PRODUCER_EPOCH) {
        throw new ProducerStateError(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `Invalid sequence number for new epoch of producer ${this.producerId} at offset ${offset} in partition ${this.#tp}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${updated.producerEpoch} (current producer epoch)`,
        )
      }
      return
    }
    let lastSeq: number
    if (!updated.isEmpty) lastSeq = updated.lastSeq
    else if (epoch === this.#current.producerEpoch) lastSeq = this.#current.lastSeq
    else lastSeq = NO_SEQUENCE
    // No epoch known (the producer's records were all deleted or expired): any sequence is accepted.
    if (this.#current.producerEpoch === NO_PRODUCER_EPOCH || inSequence(lastSeq, firstSeq)) return
    throw new ProducerStateError(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      `Out of order sequence number for producer ${this.producerId} at offset ${offset} in partition ${this.#tp}: ${firstSeq} (incoming seq. number), ${lastSeq} (current end sequence number)`,
    )
  }

  appendData(b: DataBatch): void {
    this.#checkProducerEpoch(b.epoch, b.firstOffset)
    if (this.#origin === 'client') this.#checkSequence(b.epoch, b.firstSeq, b.firstOffset)
    const u = this.updated
    u.addBatch(b.epoch, b.lastSeq, b.lastOffset, b.lastOffset - b.firstOffset, b.maxTimestamp)
    if (u.currentTxnFirstOffset >= 0 && !b.transactional && this.#origin !== 'replication') {
      throw new ProducerStateError(
        ErrorCode.INVALID_TXN_STATE,
        `Expected transactional write from producer ${this.producerId} at offset ${b.firstOffset} in partition ${this.#tp}`,
      )
    }
    if (u.currentTxnFirstOffset < 0 && b.transactional) {
      u.currentTxnFirstOffset = b.firstOffset
      this.startedTxns.push(b.firstOffset)
    }
  }

  /** A COMMIT/ABORT marker; the transaction it ends, or null when the producer had none open here. */
  appendMarker(m: MarkerBatch): CompletedTxn | null {
    this.#checkProducerEpoch(m.epoch, m.offset)
    const u = this.updated
    if (u.coordinatorEpoch > m.coordinatorEpoch && this.#origin !== 'replication') {
      throw new ProducerStateError(
        ErrorCode.TRANSACTION_COORDINATOR_FENCED,
        `Invalid coordinator epoch for producerId ${this.producerId} at offset ${m.offset} in partition ${this.#tp}: ${m.coordinatorEpoch} (zombie), ${u.coordinatorEpoch} (current)`,
      )
    }
    const completed = u.currentTxnFirstOffset >= 0
      ? { producerId: this.producerId, firstOffset: u.currentTxnFirstOffset, lastOffset: m.offset, isAborted: !m.commit }
      : null
    u.maybeUpdateProducerEpoch(m.epoch)
    u.coordinatorEpoch = m.coordinatorEpoch
    u.currentTxnFirstOffset = -1
    u.lastTimestamp = m.timestamp
    return completed
  }
}
