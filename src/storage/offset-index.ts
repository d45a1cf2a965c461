/**
 * Offset index (`.index`): sparse, sorted entries of 8 bytes:
 *   int32 offset relative to the segment's base offset, int32 byte position in the `.log` file.
 * An entry (o, p) says that the batch at position p starts at or before offset o, so a lookup
 * scans forward from the last entry with an offset <= the target. Held in memory (index-entries.ts):
 * the file is read whole when a segment's index is first needed and written whole when the
 * segment is flushed or closed.
 */
import { IndexEntries } from './index-entries.js'

export const OFFSET_ENTRY_SIZE = 8

export interface OffsetPosition {
  offset: number
  position: number
}

export class OffsetIndex {
  readonly baseOffset: number
  readonly maxEntries: number
  readonly #store: IndexEntries

  constructor(baseOffset: number, maxIndexBytes: number, initial?: Buffer) {
    this.baseOffset = baseOffset
    this.maxEntries = Math.max(1, Math.floor(maxIndexBytes / OFFSET_ENTRY_SIZE))
    this.#store = new IndexEntries(OFFSET_ENTRY_SIZE, this.maxEntries, initial)
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

  offsetAt(i: number): number {
    return this.baseOffset + this.#store.buf.readInt32BE(i * OFFSET_ENTRY_SIZE)
  }
  positionAt(i: number): number {
    return this.#store.buf.readInt32BE(i * OFFSET_ENTRY_SIZE + 4)
  }

  /** Adds an entry; a full index ignores it (the index is sparse, so that is safe). */
  append(offset: number, position: number): void {
    if (this.isFull) return
    const n = this.#store.count
    if (n > 0 && offset <= this.offsetAt(n - 1)) throw new RangeError(`index entry ${offset} is not above the last, ${this.offsetAt(n - 1)}`)
    const at = this.#store.add()
    this.#store.buf.writeInt32BE(offset - this.baseOffset, at)
    this.#store.buf.writeInt32BE(position, at + 4)
  }

  /** The last entry with offset <= target, or (baseOffset, 0) when there is none. */
  lookup(target: number): OffsetPosition {
    const i = this.#floor(target)
    return i < 0 ? { offset: this.baseOffset, position: 0 } : { offset: this.offsetAt(i), position: this.positionAt(i) }
  }

  /** The last entry whose batch starts at or before `position`, or null when there is none. */
  lookupPosition(position: number): OffsetPosition | null {
    const i = this.#floor(position, true)
    return i < 0 ? null : { offset: this.offsetAt(i), position: this.positionAt(i) }
  }

  /** The index of the last entry whose offset (or position) is <= target, or -1. */
  #floor(target: number, byPosition = false): number {
    let lo = 0
    let hi = this.#store.count - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if ((byPosition ? this.positionAt(mid) : this.offsetAt(mid)) <= target) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }

  /** Drops entries for offsets >= `offset` (after a log truncation). */
  truncateFrom(offset: number): void {
    this.#store.truncate(this.#floor(offset - 1) + 1)
  }

  clear(): void {
    this.#store.truncate(0)
  }

  /** The file image: exactly the valid entries. */
  toBuffer(): Buffer {
    return this.#store.toBuffer()
  }

  /**
   * Why this index cannot belong to a log of `logSize` bytes whose offsets end before
   * `endOffset`, or null when it can. Catches torn, zero-filled and bit-flipped files.
   */
  problem(logSize: number, endOffset: number): string | null {
    let prevOffset = this.baseOffset - 1
    let prevPosition = -1
    for (let i = 0; i < this.#store.count; i++) {
      const o = this.offsetAt(i)
      const p = this.positionAt(i)
      if (o <= prevOffset) return `entry ${i}: offset ${o} does not increase`
      if (o >= endOffset) return `entry ${i}: offset ${o} is past the segment's end ${endOffset}`
      if (p <= prevPosition || p >= logSize) return `entry ${i}: position ${p} is out of order or past ${logSize}`
      prevOffset = o
      prevPosition = p
    }
    return null
  }
}
