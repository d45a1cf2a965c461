/**
 * Time index (`.timeindex`): sparse entries of 12 bytes:
 *   int64 timestamp, int32 offset relative to the segment's base offset.
 * An entry (t, o) says: the largest timestamp among the batches up to and including the one
 * ending at offset o is t. Timestamps strictly increase, offsets never decrease.
 */
import { readInt64, writeInt64 } from '../protocol/records/batch-header.js'
import { IndexEntries } from './index-entries.js'

export const TIME_ENTRY_SIZE = 12

export interface TimestampOffset {
  timestamp: number
  offset: number
}

export class TimeIndex {
  readonly baseOffset: number
  readonly maxEntries: number
  readonly #store: IndexEntries

  constructor(baseOffset: number, maxIndexBytes: number, initial?: Buffer) {
    this.baseOffset = baseOffset
    this.maxEntries = Math.max(1, Math.floor(maxIndexBytes / TIME_ENTRY_SIZE))
    // One entry past maxEntries: the final entry a segment gets when it closes.
    this.#store = new IndexEntries(TIME_ENTRY_SIZE, this.maxEntries + 1, initial)
  }

  get entries(): number {
    return this.#store.count
  }
  get isFull(): boolean {
    return this.#store.count >= this.maxEntries
  }
  get memoryBytes(): number {
    return this.#store.memoryBytes
  }

  timestampAt(i: number): number {
    return readInt64(this.#store.buf, i * TIME_ENTRY_SIZE)
  }
  offsetAt(i: number): number {
    return this.baseOffset + this.#store.buf.readInt32BE(i * TIME_ENTRY_SIZE + 8)
  }

  /** The last entry, or (-1, baseOffset) when empty, as Kafka's lastEntry. */
  lastEntry(): TimestampOffset {
    const n = this.#store.count
    return n === 0 ? { timestamp: -1, offset: this.baseOffset } : { timestamp: this.timestampAt(n - 1), offset: this.offsetAt(n - 1) }
  }

  /**
   * Adds (timestamp, offset) if the timestamp is above the last entry's. `final` is the
   * entry written when a segment closes: allowed one past a full index, as in Kafka.
   */
  maybeAppend(timestamp: number, offset: number, final = false): void {
    const n = this.#store.count
    // Called for every indexed batch: compare with the last entry without building it.
    if (n > 0 ? timestamp <= this.timestampAt(n - 1) : timestamp <= -1) return
    if (n > this.maxEntries || (this.isFull && !final)) return
    const lastOffset = n > 0 ? this.offsetAt(n - 1) : this.baseOffset
    if (offset < lastOffset) throw new RangeError(`time index offset ${offset} is below the last, ${lastOffset}`)
    const at = this.#store.add()
    writeInt64(this.#store.buf, at, timestamp)
    this.#store.buf.writeInt32BE(offset - this.baseOffset, at + 8)
  }

  /** The last entry whose timestamp is strictly below `target`, or null. */
  lookupBefore(target: number): TimestampOffset | null {
    let lo = 0
    let hi = this.#store.count - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.timestampAt(mid) < target) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found < 0 ? null : { timestamp: this.timestampAt(found), offset: this.offsetAt(found) }
  }

  /** Drops entries for offsets >= `offset`. */
  truncateFrom(offset: number): void {
    let n = this.#store.count
    while (n > 0 && this.offsetAt(n - 1) >= offset) n--
    this.#store.truncate(n)
  }

  clear(): void {
    this.#store.truncate(0)
  }

  toBuffer(): Buffer {
    return this.#store.toBuffer()
  }

  /** Why this index cannot belong to a segment whose offsets end before `endOffset`, or null. */
  problem(endOffset: number): string | null {
    let prevTs = -1
    let prevOffset = this.baseOffset
    for (let i = 0; i < this.#store.count; i++) {
      const t = this.timestampAt(i)
      const o = this.offsetAt(i)
      if (t <= prevTs) return `entry ${i}: timestamp ${t} does not increase`
      if (o < prevOffset || o >= endOffset) return `entry ${i}: offset ${o} is out of order or past ${endOffset}`
      prevTs = t
      prevOffset = o
    }
    return null
  }
}
