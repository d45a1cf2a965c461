import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/error-codes.js'
import { buildBatch } from '../../protocol/records/batch-builder.js'
import { BatchHeader } from '../../protocol/records/batch-header.js'
import { buildTxnMarkerBatch } from '../../replica/write-txn-marker.js'
import type { AppendOrigin } from './producer-append-info.js'
import { ProducerStateError } from './producer-state-error.js'
import { ProducerStateManager, type ProducerCheck } from './producer-state-manager.js'

const INT32_MAX = 2147483647

/** A small log in memory: batches get consecutive offsets, as the appender numbers them. */
class Harness {
  readonly psm = new ProducerStateManager('t-0')
  next = 0

  data(producerId: number, epoch: number, seq: number, count = 1, opts: { transactional?: boolean; origin?: AppendOrigin; timestamp?: number } = {}): ProducerCheck {
    const records = Array.from({ length: count }, () => ({ timestamp: opts.timestamp ?? 1000, value: Buffer.from('v') }))
    const batch = buildBatch(records, { baseOffset: this.next, producerId, producerEpoch: epoch, baseSequence: seq, transactional: opts.transactional ?? false })
    return this.#apply(batch, opts.origin ?? 'client')
  }

  plain(count = 1): ProducerCheck {
    return this.#apply(buildBatch(Array.from({ length: count }, () => ({ timestamp: 1, value: null })), { baseOffset: this.next }), 'client')
  }

  marker(producerId: number, epoch: number, commit: boolean, coordinatorEpoch = 0): ProducerCheck {
    const batch = buildTxnMarkerBatch({ producerId, producerEpoch: epoch, coordinatorEpoch, commit }, 2000)
    BatchHeader.view(batch).setBaseOffset(this.next)
    return this.#apply(batch, 'coordinator')
  }

  #apply(batch: Buffer, origin: AppendOrigin): ProducerCheck {
    const check = this.psm.check(batch, origin)
    if (check.duplicate === null) this.next = BatchHeader.view(batch).nextOffset
    return check
  }
}

function errorOf(fn: () => unknown): number {
  try {
    fn()
  } catch (err) {
    if (err instanceof ProducerStateError) return err.errorCode
    throw err
  }
  return ErrorCode.NONE
}

describe('ProducerStateManager: idempotence', () => {
  it('accepts an unknown producer at any sequence, then needs the next one', () => {
    const h = new Harness()
    expect(h.data(7, 0, 42, 3).duplicate).toBeNull()
    expect(h.psm.lastEntry(7)).toMatchObject({ producerEpoch: 0, lastSeq: 44, lastDataOffset: 2 })
    expect(errorOf(() => h.data(7, 0, 46))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect(errorOf(() => h.data(7, 0, 44))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect(h.data(7, 0, 45).duplicate).toBeNull()
    expect(h.next).toBe(4)
  })

  it('answers a retry of any of the last five batches with its original offsets, and not of the sixth', () => {
    const h = new Harness()
    for (let i = 0; i < 6; i++) h.data(1, 0, i * 2, 2, { timestamp: 100 + i })
    for (let i = 1; i < 6; i++) expect(h.data(1, 0, i * 2, 2).duplicate).toEqual({ firstOffset: i * 2, lastOffset: i * 2 + 1, timestamp: 100 + i })
    // The first batch left the window: its retry is out of order.
    expect(errorOf(() => h.data(1, 0, 0, 2))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    // A batch that overlaps a retained one without matching its range is no duplicate either.
    expect(errorOf(() => h.data(1, 0, 2, 1))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect(h.next).toBe(12)
  })

  it('wraps sequences from Int32 max to 0', () => {
    const h = new Harness()
    h.data(3, 0, INT32_MAX - 1, 2)
    expect(h.psm.lastEntry(3)!.lastSeq).toBe(INT32_MAX)
    expect(h.data(3, 0, 0).duplicate).toBeNull()
    // A batch spanning the wrap.
    const w = new Harness()
    w.data(4, 0, INT32_MAX - 1, 4)
    expect(w.psm.lastEntry(4)!.lastSeq).toBe(1)
    expect(w.data(4, 0, INT32_MAX - 1, 4).duplicate).toEqual({ firstOffset: 0, lastOffset: 3, timestamp: 1000 })
    expect(w.data(4, 0, 2).duplicate).toBeNull()
  })

  it('fences older epochs and makes a new epoch start at sequence 0', () => {
    const h = new Harness()
    h.data(5, 3, 0, 2)
    expect(errorOf(() => h.data(5, 2, 2))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(errorOf(() => h.data(5, 4, 7))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect(h.data(5, 4, 0).duplicate).toBeNull()
    // The old epoch's batches are forgotten: a retry of them is now a stale epoch.
    expect(errorOf(() => h.data(5, 3, 0, 2))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
  })

  it('leaves the state untouched by a refused append, and checks coordinator appends for epochs only', () => {
    const h = new Harness()
    h.data(6, 1, 0)
    expect(errorOf(() => h.data(6, 1, 5))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect(h.psm.lastEntry(6)).toMatchObject({ lastSeq: 0, lastDataOffset: 0 })
    expect(h.data(6, 1, 0, 1, { origin: 'coordinator' }).duplicate).toBeNull()
    expect(errorOf(() => h.data(6, 0, 0, 1, { origin: 'coordinator' }))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
  })

  it('forgets appends whose write failed, so their retry is appended rather than taken for a duplicate', () => {
    const h = new Harness()
    h.data(8, 0, 0, 2)
    h.data(8, 0, 2, 2)
    h.data(9, 0, 0, 1, { transactional: true })
    h.psm.forgetFrom(2)
    h.next = 2
    expect(h.psm.firstUnstableOffset()).toBe(-1)
    expect(h.data(8, 0, 2, 2)).toEqual({ duplicate: null, aborted: [] })
    expect(h.psm.lastEntry(8)).toMatchObject({ lastSeq: 3, lastDataOffset: 3 })
  })

  it('costs nothing for batches without a producer id', () => {
    const h = new Harness()
    expect(h.plain(3)).toEqual({ duplicate: null, aborted: [] })
    expect(h.psm.producerCount).toBe(0)
  })

  it('expires idle producers, but not one inside a transaction', () => {
    const h = new Harness()
    h.data(1, 0, 0, 1, { timestamp: 1000 })
    h.data(2, 0, 0, 1, { timestamp: 1000, transactional: true })
    h.data(3, 0, 0, 1, { timestamp: 5000 })
    expect(h.psm.removeExpiredProducers(6000, 4500)).toBe(1)
    expect([...h.psm.activeProducers()].map((e) => e.producerId).sort()).toEqual([2, 3])
  })
})

describe('ProducerStateManager: transactions', () => {
  it('holds the last stable offset at the first open transaction until its marker is below the high watermark', () => {
    const h = new Harness()
    h.plain(2)
    h.data(10, 0, 0, 2, { transactional: true })
    h.data(11, 0, 0, 1, { transactional: true })
    expect(h.psm.firstUnstableOffset()).toBe(2)
    expect(h.marker(10, 0, true).duplicate).toBeNull()
    expect(h.psm.firstUndecidedOffset()).toBe(4)
    // Marker at offset 5: until the high watermark passes it, the committed transaction still counts.
    expect(h.psm.firstUnstableOffset()).toBe(2)
    h.psm.onHighWatermarkUpdated(6)
    expect(h.psm.firstUnstableOffset()).toBe(4)
    const abort = h.marker(11, 0, false)
    expect(abort).toEqual({ duplicate: null, aborted: [{ producerId: 11, firstOffset: 4, lastOffset: 6, lastStableOffset: 7 }] })
    h.psm.onHighWatermarkUpdated(7)
    expect(h.psm.firstUnstableOffset()).toBe(-1)
  })

  it("records an abort's LSO as the next other producer's open transaction", () => {
    const h = new Harness()
    h.data(20, 0, 0, 1, { transactional: true })
    h.data(21, 0, 0, 1, { transactional: true })
    expect(h.marker(20, 0, false)).toMatchObject({ aborted: [{ producerId: 20, firstOffset: 0, lastOffset: 2, lastStableOffset: 1 }] })
  })

  it('refuses a plain batch inside a transaction, a stale marker epoch and an older coordinator', () => {
    const h = new Harness()
    h.data(30, 2, 0, 1, { transactional: true })
    expect(errorOf(() => h.data(30, 2, 1))).toBe(ErrorCode.INVALID_TXN_STATE)
    expect(errorOf(() => h.marker(30, 1, true, 5))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    h.marker(30, 2, true, 5)
    expect(errorOf(() => h.marker(30, 2, true, 4))).toBe(ErrorCode.TRANSACTION_COORDINATOR_FENCED)
    expect(h.psm.lastEntry(30)).toMatchObject({ coordinatorEpoch: 5, currentTxnFirstOffset: -1 })
  })

  it('a marker without an open transaction completes nothing; a bumped epoch in a marker resets the sequences', () => {
    const h = new Harness()
    h.data(40, 0, 0, 3)
    expect(h.marker(40, 1, false)).toEqual({ duplicate: null, aborted: [] })
    expect(h.psm.lastEntry(40)).toMatchObject({ producerEpoch: 1, lastSeq: -1 })
    expect(h.data(40, 1, 0).duplicate).toBeNull()
  })

  it('loads entries with open transactions as ongoing', () => {
    const h = new Harness()
    h.data(50, 0, 0, 1, { transactional: true })
    h.data(51, 0, 0, 1, { transactional: true })
    const copy = new ProducerStateManager('t-0')
    copy.load([...h.psm.activeProducers()].reverse())
    expect(copy.firstUnstableOffset()).toBe(0)
    expect(copy.firstUndecidedOffset()).toBe(0)
  })
})
