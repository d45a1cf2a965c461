/**
 * One partition's producer state (Kafka's ProducerStateManager): the producers that wrote to it,
 * its ongoing transactions and the last stable offset.
 *
 * `check` runs when an append is numbered, before it is queued for writing: it validates the
 * append's producer batches and applies them at once, so the next append is checked against
 * them, as Kafka does under the log lock. Appends without a producer id (the common case) cost
 * one 4-byte read per batch. A duplicate of one of a producer's last five batches is answered
 * with the original offsets and nothing is appended.
 *
 * A transaction is ongoing from its first transactional batch until the producer's COMMIT or
 * ABORT marker; once the high watermark passes the marker it no longer holds the last stable
 * offset back (the marker was numbered before it was written).
 */
import { BATCH, BatchHeader, readInt64 } from '../../protocol/records/batch-header.js'
import { ControlRecordType, decodeControlType, decodeEndTxnMarker } from '../../protocol/records/control-record.js'
import { readRecords } from '../../protocol/records/record-reader.js'
import { ProducerAppendInfo, type AppendOrigin, type CompletedTxn } from './producer-append-info.js'
import { firstOffsetOf, incrementSequence, type BatchMetadata, type ProducerStateEntry } from './producer-state-entry.js'

/** An aborted transaction as the transaction index records it. */
export interface AbortedTxn {
  producerId: number
  firstOffset: number
  lastOffset: number
  lastStableOffset: number
}

/** What `check` found: a retried batch (nothing to append), or the aborts the append completes. */
export type ProducerCheck =
  | { readonly duplicate: { firstOffset: number; lastOffset: number; timestamp: number } }
  | { readonly duplicate: null; readonly aborted: readonly AbortedTxn[] }

const NOTHING: ProducerCheck = Object.freeze({ duplicate: null, aborted: Object.freeze([]) })
const EMPTY = Buffer.alloc(0)

export class ProducerStateManager {
  readonly #tp: string
  readonly #producers = new Map<number, ProducerStateEntry>()
  /** Ongoing transactions: first offset → producer id, in offset order (appends come in offset order). */
  #ongoing = new Map<number, number>()
  /** Completed transactions whose marker is at or above the high watermark: first offset → marker offset. */
  readonly #unreplicated = new Map<number, number>()
  readonly #header = BatchHeader.view(EMPTY, 0)

  constructor(tp: string) {
    this.#tp = tp
  }

  get producerCount(): number {
    return this.#producers.size
  }
  /** The producers with state here, for DescribeProducers and snapshots. */
  activeProducers(): IterableIterator<ProducerStateEntry> {
    return this.#producers.values()
  }
  lastEntry(producerId: number): ProducerStateEntry | undefined {
    return this.#producers.get(producerId)
  }

  /**
   * Validates and applies the producer batches of `batches` (offsets already stamped). Throws
   * ProducerStateError when the append must be refused; then nothing changed.
   */
  check(batches: Buffer, origin: AppendOrigin): ProducerCheck {
    // Appends hold one producer's batches but for coordinator writes: a map only when a second producer shows up.
    let only: ProducerAppendInfo | null = null
    let infos: Map<number, ProducerAppendInfo> | null = null
    let completed: CompletedTxn[] | null = null
    const h = this.#header
    for (let p = 0; p < batches.length; p += h.sizeInBytes) {
      h.moveTo(batches, p)
      // Producer ids are never negative: a negative high word is NO_PRODUCER_ID (-1).
      if (batches.readInt32BE(p + BATCH.PRODUCER_ID) < 0) continue
      const producerId = readInt64(batches, p + BATCH.PRODUCER_ID)
      let info: ProducerAppendInfo | undefined = only !== null && only.producerId === producerId ? only : infos?.get(producerId)
      if (info === undefined) {
        const last = this.#producers.get(producerId)
        if (origin === 'client' && !h.isControl && last !== undefined) {
          const dup = last.findDuplicate(h.producerEpoch, h.baseSequence, incrementSequence(h.baseSequence, h.lastOffsetDelta))
          if (dup !== undefined) return { duplicate: duplicateOf(dup) }
        }
        info = new ProducerAppendInfo(this.#tp, producerId, last, origin)
        if (only === null) only = info
        else (infos ??= new Map([[only.producerId, only]])).set(producerId, info)
      }
      const done = appendBatch(info, h)
      if (done !== null) (completed ??= []).push(done)
    }
    if (only === null) return NOTHING
    for (const info of infos?.values() ?? [only]) {
      this.#producers.set(info.producerId, info.updated)
      for (const first of info.startedTxns) this.#ongoing.set(first, info.producerId)
    }
    if (completed === null) return NOTHING
    const aborted: AbortedTxn[] = []
    for (const txn of completed) {
      if (txn.isAborted) aborted.push({ producerId: txn.producerId, firstOffset: txn.firstOffset, lastOffset: txn.lastOffset, lastStableOffset: this.#lastStableOffsetAfter(txn) })
      this.#ongoing.delete(txn.firstOffset)
      this.#unreplicated.set(txn.firstOffset, txn.lastOffset)
    }
    return { duplicate: null, aborted }
  }

  /** Kafka's lastStableOffset(completedTxn): the next other producer's open transaction, else past the marker. */
  #lastStableOffsetAfter(txn: CompletedTxn): number {
    for (const [first, producerId] of this.#ongoing) if (producerId !== txn.producerId) return first
    return txn.lastOffset + 1
  }

  /** Transactions whose markers are below `highWatermark` stop holding the last stable offset back. */
  onHighWatermarkUpdated(highWatermark: number): void {
    if (this.#unreplicated.size === 0) return
    for (const [first, markerOffset] of this.#unreplicated) if (markerOffset < highWatermark) this.#unreplicated.delete(first)
  }

  /** The first offset of the earliest open transaction, or -1 (Kafka's firstUnstableOffset). */
  firstUnstableOffset(): number {
    let min = -1
    for (const first of this.#ongoing.keys()) {
      min = first
      break
    }
    for (const first of this.#unreplicated.keys()) if (min < 0 || first < min) min = first
    return min
  }

  /** The first offset of the earliest transaction without a marker yet, or -1. */
  firstUndecidedOffset(): number {
    for (const first of this.#ongoing.keys()) return first
    return -1
  }

  /**
   * Appends from `offset` on failed to reach the log after `check` applied them: forgets their
   * batches (a retry must be appended, not answered as a duplicate) and the transactions they
   * began. A marker among them stays applied; the coordinator's retry of it completes nothing.
   */
  forgetFrom(offset: number): void {
    for (const e of this.#producers.values()) {
      if (e.lastDataOffset >= offset) e.batches = e.batches.filter((b) => b.lastOffset < offset)
      if (e.currentTxnFirstOffset >= offset) e.currentTxnFirstOffset = -1
    }
    for (const first of [...this.#ongoing.keys()]) if (first >= offset) this.#ongoing.delete(first)
  }

  /** producer.id.expiration.ms: forgets producers idle that long, except those in a transaction. */
  removeExpiredProducers(now: number, expirationMs: number): number {
    let removed = 0
    for (const [id, e] of this.#producers) {
      if (e.currentTxnFirstOffset < 0 && now - e.lastTimestamp >= expirationMs) {
        this.#producers.delete(id)
        removed++
      }
    }
    return removed
  }

  /** Replaces the state with `entries` (a snapshot); their open transactions become ongoing. */
  load(entries: readonly ProducerStateEntry[]): void {
    this.clear()
    const open: [number, number][] = []
    for (const e of entries) {
      this.#producers.set(e.producerId, e)
      if (e.currentTxnFirstOffset >= 0) open.push([e.currentTxnFirstOffset, e.producerId])
    }
    open.sort((a, b) => a[0] - b[0])
    this.#ongoing = new Map(open)
  }

  clear(): void {
    this.#producers.clear()
    this.#ongoing.clear()
    this.#unreplicated.clear()
  }
}

function duplicateOf(b: BatchMetadata): { firstOffset: number; lastOffset: number; timestamp: number } {
  return { firstOffset: firstOffsetOf(b), lastOffset: b.lastOffset, timestamp: b.timestamp }
}

/** Feeds one batch to its producer's append info; a marker returns the transaction it ends. */
function appendBatch(info: ProducerAppendInfo, h: BatchHeader): CompletedTxn | null {
  if (h.isControl) {
    const record = readRecords(h).next()
    // An empty control batch: the cleaner removed the whole transaction.
    if (record.done === true) return null
    const type = decodeControlType(record.value.key)
    if (type !== ControlRecordType.Commit && type !== ControlRecordType.Abort || record.value.value === null) return null
    const marker = decodeEndTxnMarker(record.value.value)
    return info.appendMarker({
      epoch: h.producerEpoch,
      offset: h.baseOffset,
      timestamp: record.value.timestamp,
      coordinatorEpoch: marker.coordinatorEpoch,
      commit: type === ControlRecordType.Commit,
    })
  }
  const firstSeq = h.baseSequence
  info.appendData({
    epoch: h.producerEpoch,
    firstSeq,
    lastSeq: incrementSequence(firstSeq, h.lastOffsetDelta),
    firstOffset: h.baseOffset,
    lastOffset: h.lastOffset,
    maxTimestamp: h.maxTimestamp,
    transactional: h.isTransactional,
  })
  return null
}
