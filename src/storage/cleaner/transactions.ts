/**
 * What the cleaner must know about transactions:
 *
 * - aborted transactions, found in the log itself (each ABORT marker closes its producer's open
 *   transaction, from the first transactional batch to the marker), so logs whose .txnindex is
 *   missing or partial are cleaned right too; the last stable offset each entry carries comes
 *   from the .txnindex where it has the entry, else the log start offset (a lower bound, which
 *   only makes read_committed fetches look further);
 * - the last batch of each active producer (ProducerStateManager), kept as an empty batch when
 *   its records go, so the producer's epoch and sequence survive (Kafka's RETAIN_EMPTY).
 *
 * CleanedTransactionMetadata then follows Kafka's class of that name while the cleaner walks the
 * log: which transactional batches belong to aborted transactions (removed), and when a
 * marker's transaction has no data left (the marker may go once its delete horizon passes).
 */
import type { BatchHeader } from '../../protocol/records/batch-header.js'
import { ControlRecordType } from '../../protocol/records/control-record.js'
import type { LogSegment } from '../log-segment.js'
import type { AbortedTxn } from '../producer-state/producer-state-manager.js'
import { controlTypeOf, segmentBatches } from './segment-batches.js'

export type { AbortedTxn }

export interface ProducerLastRecord {
  /** lastOffset of the producer's last data batch in its current epoch; -1 if none. */
  readonly lastDataOffset: number
  readonly producerEpoch: number
}

export interface LogScan {
  /** Sorted by first offset. */
  aborted: AbortedTxn[]
  /** Records in batches starting in the dirty range: at most this many keys to map. */
  dirtyRecords: number
}

export interface ScanOptions {
  /** Scan below this offset. */
  to: number
  dirtyFrom: number
  dirtyTo: number
  /** The last stable offset each (producer id, marker offset) has in the .txnindex files. */
  indexed: ReadonlyMap<string, number>
  logStartOffset: number
  /** Called for every batch: may yield or throw to stop. */
  pace: () => Promise<void> | void
  /** Counts the bytes read (log.cleaner.io.max.bytes.per.second). */
  throttle: (bytes: number) => Promise<void>
  chunkBytes: number
}

/** One pass over the headers of `segments` (and the keys of control records). */
export async function scanLog(segments: readonly LogSegment[], o: ScanOptions): Promise<LogScan> {
  const aborted: AbortedTxn[] = []
  let dirtyRecords = 0
  const openTxnFirstOffset = new Map<number, number>()
  for (const seg of segments) {
    for await (const h of segmentBatches(seg, seg.baseOffset, o.to, o.chunkBytes)) {
      await o.pace()
      await o.throttle(h.sizeInBytes)
      if (h.baseOffset >= o.dirtyFrom && h.baseOffset < o.dirtyTo) dirtyRecords += h.recordCount
      if (!h.isTransactional) continue
      const pid = h.producerId
      if (!h.isControl) {
        if (!openTxnFirstOffset.has(pid)) openTxnFirstOffset.set(pid, h.baseOffset)
        continue
      }
      const type = await controlTypeOf(h)
      if (type === ControlRecordType.Abort) {
        const lastOffset = h.lastOffset
        aborted.push({ producerId: pid, firstOffset: openTxnFirstOffset.get(pid) ?? h.baseOffset, lastOffset, lastStableOffset: o.indexed.get(`${pid}:${lastOffset}`) ?? o.logStartOffset })
      }
      if (type === ControlRecordType.Abort || type === ControlRecordType.Commit) openTxnFirstOffset.delete(pid)
    }
  }
  return { aborted: aborted.sort((a, b) => a.firstOffset - b.firstOffset), dirtyRecords }
}

/** Kafka's CleanedTransactionMetadata, for one pass over the log in offset order. */
export class CleanedTransactionMetadata {
  readonly #aborted: readonly AbortedTxn[]
  #next = 0
  readonly #ongoingCommitted = new Set<number>()
  /** Aborted transactions whose first batch has been passed, with the last batch seen of each. */
  readonly #ongoingAborted = new Map<number, { txn: AbortedTxn; lastObservedBatchOffset: number }>()
  /** Aborted transactions whose marker stays, for the cleaned segment's transaction index. */
  #retainedAborted: AbortedTxn[] = []

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
        this.#retainedAborted.push(ongoing.txn)
        return false
      }
      return true
    }
    if (controlType === ControlRecordType.Commit) return !this.#ongoingCommitted.delete(pid)
    return false
  }

  /** The aborted transactions whose markers were kept since the last call. */
  takeRetainedAborted(): AbortedTxn[] {
    const taken = this.#retainedAborted
    this.#retainedAborted = []
    return taken
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
