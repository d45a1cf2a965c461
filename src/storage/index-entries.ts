/**
 * The in-memory image of an index file of fixed-size entries (`.index`, `.timeindex`): Node has
 * no mmap, so a segment's index is read whole, grown by doubling as entries are added (up to a
 * capacity), and written whole. The index classes give the entries their meaning.
 */
export class IndexEntries {
  readonly entrySize: number
  /** Entries the buffer may ever hold. */
  readonly capacity: number
  #buf: Buffer
  #count: number

  constructor(entrySize: number, capacity: number, initial?: Buffer) {
    this.entrySize = entrySize
    const n = initial ? Math.floor(initial.length / entrySize) : 0
    // A file written under a larger segment.index.bytes keeps all its entries, as Kafka maps it whole.
    this.capacity = Math.max(capacity, n)
    this.#buf = Buffer.alloc(Math.min(Math.max(64, n), this.capacity) * entrySize)
    if (initial) initial.copy(this.#buf, 0, 0, n * entrySize)
    this.#count = n
  }

  get count(): number {
    return this.#count
  }
  /** The buffer to read entry `i` at byte `i * entrySize`; valid until the next `add`. */
  get buf(): Buffer {
    return this.#buf
  }
  /** Bytes of memory held. */
  get memoryBytes(): number {
    return this.#buf.length
  }

  /** Makes room for one more entry (the caller checked the capacity) and returns its byte position. */
  add(): number {
    const at = this.#count * this.entrySize
    if (at + this.entrySize > this.#buf.length) {
      const grown = Buffer.alloc(Math.min(this.#buf.length * 2, this.capacity * this.entrySize))
      this.#buf.copy(grown)
      this.#buf = grown
    }
    this.#count++
    return at
  }

  /** Keeps the first `n` entries. */
  truncate(n: number): void {
    this.#count = Math.min(this.#count, n)
  }

  /** The file image: exactly the valid entries. */
  toBuffer(): Buffer {
    return this.#buf.subarray(0, this.#count * this.entrySize)
  }
}
