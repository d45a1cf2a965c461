const MAX_HINTS = 16

/**
 * Remembered (offset → position) pairs where a segment's earlier reads ended: a sequential
 * consumer's next read needs no index lookup. The most recent MAX_HINTS are kept.
 */
export class ReadHints {
  readonly #positions = new Map<number, number>()

  get(offset: number): number | undefined {
    return this.#positions.get(offset)
  }

  /** A read ended at `position`, where the batch holding `offset` starts. */
  set(offset: number, position: number): void {
    this.#positions.delete(offset)
    this.#positions.set(offset, position)
    if (this.#positions.size > MAX_HINTS) this.#positions.delete(this.#positions.keys().next().value!)
  }

  clear(): void {
    this.#positions.clear()
  }
}
