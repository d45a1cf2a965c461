/**
 * Time index (`.timeindex`): sparse entries of 12 bytes:
 *   int64 timestamp, int32 offset relative to the segment's base offset.
 * An entry (t, o) says: the largest timestamp among the batches up to and including the one
 * ending at offset o is t. Timestamps strictly increase, offsets never decrease.
 */
import { readInt64, writeInt64 } from '../protocol/records/batch-header.js'

export const TIME_ENTRY_SIZE = 12

export interface TimestampOffset {
  timestamp: number
  offset: number
}

export class TimeIndex {
  readonly baseOffset: number
  readonly maxEntries: number
  #buf: Buffer
  #entries = 0

  constructor(baseOffset: number, maxIndexBytes: number, initial?: Buffer) {
    this.baseOffset = baseOffset
    this.maxEntries = Math.max(1, Math.floor(maxIndexBytes / TIME_ENTRY_SIZE))
    const n = initial ? Math.floor(initial.length / TIME_ENTRY_SIZE) : 0
    this.#buf = Buffer.alloc(Math.max(64, n) * TIME_ENTRY_SIZE)
    if (initial) initial.copy(this.#buf, 0, 0, n * TIME_ENTRY_SIZE)
    this.#entries = n
  }

  get entries(): number {
    return this.#entries
  }
  get isFull(): boolean {
    return this.#entries >= this.maxEntries
  }
  get memoryBytes(): number {
    return this.#buf.length
  }

  timestampAt(i: number): number {
    return readInt64(this.#buf, i * TIME_ENTRY_SIZE)
  }
  offsetAt(i: number): number {
    return this.baseOffset + this.#buf.readInt32BE(i * TIME_ENTRY_SIZE + 8)
  }

  /** The last entry, or (-1, baseOffset) when empty, as Kafka's lastEntry. */
  lastEntry(): TimestampOffset {
    const n = this.#entries
    return n === 0 ? { timestamp: -1, offset: this.baseOffset } : { timestamp: this.timestampAt(n - 1), offset: this.offsetAt(n - 1) }
  }

  /**
   * Adds (timestamp, offset) if the timestamp is above the last entry's. `final` is the
   * entry written when a segment closes: allowed one past a full index, as in Kafka.
   */
  maybeAppend(timestamp: number, offset: number, final = false): void {
    const n = this.#entries
    // Called for every indexed batch: compare with the last entry without building it.
    if (n > 0 ? timestamp <= this.timestampAt(n - 1) : timestamp <= -1) return
    if (n > this.maxEntries || (this.isFull && !final)) return
    const lastOffset = n > 0 ? this.offsetAt(n - 1) : this.baseOffset
    if (offset < lastOffset) throw new RangeError(`time index offset ${offset} is below the last, ${lastOffset}`)
    const at = this.#entries * TIME_ENTRY_SIZE
    if (at + TIME_ENTRY_SIZE > this.#buf.length) {
      const grown = Buffer.alloc(Math.min(this.#buf.length * 2, (this.maxEntries + 1) * TIME_ENTRY_SIZE))
      this.#buf.copy(grown)
      this.#buf = grown
    }
    writeInt64(this.#buf, at, timestamp)
    this.#buf.writeInt32BE(offset - this.baseOffset, at + 8)
    this.#entries++
  }

  /** The last entry whose timestamp is strictly below `target`, or null. */
  lookupBefore(target: number): TimestampOffset | null {
    let lo = 0
    let hi = this.#entries - 1
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
    while (this.#entries > 0 && this.offsetAt(this.#entries - 1) >= offset) this.#entries--
  }

  clear(): void {
    this.#entries = 0
  }

  toBuffer(): Buffer {
    return this.#buf.subarray(0, this.#entries * TIME_ENTRY_SIZE)
  }

  /** Why this index cannot belong to a segment whose offsets end before `endOffset`, or null. */
  problem(endOffset: number): string | null {
    let prevTs = -1
    let prevOffset = this.baseOffset
    for (let i = 0; i < this.#entries; i++) {
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
