/**
 * What the cleaner must know about transactions and producers, derived from the log itself:
 *
 * - aborted transactions (Kafka reads them from the .txnindex): each ABORT marker closes the
 *   producer's open transaction, from its first transactional batch to the marker;
 * - the last batch of each active producer (Kafka asks its ProducerStateManager): a batch the
 *   cleaner empties is kept, headers only, when it is its producer's last, so the producer's
 *   epoch and sequence survive (RETAIN_EMPTY). Producers idle past producer.id.expiration.ms
 *   are not active, as in Kafka.
 *
 * CleanedTransactionMetadata then follows Kafka's class of that name while the cleaner walks the
 * log: which transactional batches belong to aborted transactions (removed), and when a
 * marker's transaction has no data left (the marker may go once its delete horizon passes).
 */
import { BatchHeader } from '../../protocol/records/batch-header.js'
import { ControlRecordType } from '../../protocol/records/control-record.js'
import type { LogSegment } from '../log-segment.js'
import { controlTypeOf, segmentChunks } from './segment-batches.js'

export interface AbortedTxn {
  producerId: number
  firstOffset: number
  /** The offset of the ABORT marker. */
  lastOffset: number
}

export interface ProducerLastRecord {
  /** lastOffset of the producer's last data batch in its current epoch; -1 if none. */
  lastDataOffset: number
  producerEpoch: number
}

export interface LogTransactions {
  aborted: AbortedTxn[]
  lastRecords: Map<number, ProducerLastRecord>
}

interface ProducerScan extends ProducerLastRecord {
  openTxnFirstOffset: number
  lastTimestamp: number
}

/** Scans every batch of `segments` below `to` once (headers, and the key of control records). */
export async function scanTransactions(segments: readonly LogSegment[], to: number, now: number, producerExpirationMs: number): Promise<LogTransactions> {
  const aborted: AbortedTxn[] = []
  const producers = new Map<number, ProducerScan>()
  const h = BatchHeader.view(Buffer.alloc(0))
  for (const seg of segments) {
    for await (const chunk of segmentChunks(seg, seg.baseOffset, to)) {
      for (let pos = 0; pos < chunk.length; pos += h.sizeInBytes) {
        h.moveTo(chunk, pos)
        const pid = h.producerId
        if (pid < 0) continue
        let p = producers.get(pid)
        if (p === undefined) {
          p = { lastDataOffset: -1, producerEpoch: h.producerEpoch, openTxnFirstOffset: -1, lastTimestamp: -1 }
          producers.set(pid, p)
        }
        // ProducerStateEntry.maybeUpdateProducerEpoch: a new epoch forgets the old batches.
        if (h.producerEpoch !== p.producerEpoch) {
          p.producerEpoch = h.producerEpoch
          p.lastDataOffset = -1
        }
        p.lastTimestamp = Math.max(p.lastTimestamp, h.maxTimestamp)
        if (!h.isControl) {
          p.lastDataOffset = h.lastOffset
          if (h.isTransactional && p.openTxnFirstOffset < 0) p.openTxnFirstOffset = h.baseOffset
          continue
        }
        const type = await controlTypeOf(h)
        if (type === ControlRecordType.Abort) aborted.push({ producerId: pid, firstOffset: p.openTxnFirstOffset >= 0 ? p.openTxnFirstOffset : h.baseOffset, lastOffset: h.lastOffset })
        if (type === ControlRecordType.Abort || type === ControlRecordType.Commit) p.openTxnFirstOffset = -1
      }
    }
  }
  const lastRecords = new Map<number, ProducerLastRecord>()
  for (const [pid, p] of producers) {
    if (now - p.lastTimestamp < producerExpirationMs) lastRecords.set(pid, { lastDataOffset: p.lastDataOffset, producerEpoch: p.producerEpoch })
  }
  aborted.sort((a, b) => a.firstOffset - b.firstOffset)
  return { aborted, lastRecords }
}

/** Kafka's CleanedTransactionMetadata, for one pass over the log in offset order. */
export class CleanedTransactionMetadata {
  readonly #aborted: readonly AbortedTxn[]
  #next = 0
  readonly #ongoingCommitted = new Set<number>()
  /** Aborted transactions whose first batch has been passed, with the last batch seen of each. */
  readonly #ongoingAborted = new Map<number, { txn: AbortedTxn; lastObservedBatchOffset: number }>()
  /** Aborted transactions whose marker stays, for the cleaned segment's transaction index. */
  readonly retainedAborted: AbortedTxn[] = []

  /** `aborted` sorted by first offset. */
  constructor(aborted: readonly AbortedTxn[]) {
    this.#aborted = aborted
  }

  #consumeUpTo(offset: number): void {
    while (this.#next < this.#aborted.length && this.#aborted[this.#next]!.firstOffset <= offset) {
      const txn = this.#aborted[this.#next++]!
      if (!this.#ongoingAborted.has(txn.producerId)) this.#ongoingAborted.set(txn.producerId, { txn, lastObservedBatchOffset: -1 })
    }
  }

  /** A control batch was read (`controlType` -1 when it has no records); true if it may be discarded. */
  onControlBatchRead(h: BatchHeader, controlType: number): boolean {
    this.#consumeUpTo(h.lastOffset)
    if (controlType < 0) return true
    const pid = h.producerId
    if (controlType === ControlRecordType.Abort) {
      const ongoing = this.#ongoingAborted.get(pid)
      this.#ongoingAborted.delete(pid)
      // The marker stays while any batch of its transaction does.
      if (ongoing !== undefined && ongoing.lastObservedBatchOffset >= 0) {
        this.retainedAborted.push(ongoing.txn)
        return false
      }
      return true
    }
    if (controlType === ControlRecordType.Commit) return !this.#ongoingCommitted.delete(pid)
    return false
  }

  /** A data batch was read; true if it belongs to an aborted transaction (and may be discarded). */
  onBatchRead(h: BatchHeader): boolean {
    this.#consumeUpTo(h.lastOffset)
    if (!h.isTransactional) return false
    const ongoing = this.#ongoingAborted.get(h.producerId)
    if (ongoing !== undefined) {
      ongoing.lastObservedBatchOffset = h.lastOffset
      return true
    }
    this.#ongoingCommitted.add(h.producerId)
    return false
  }
}
