/**
 * Bounds the memory held by the indexes of closed segments: they load on first lookup and
 * the least recently used are dropped when the total passes the budget. Active segments'
 * indexes are not tracked here: they stay loaded, bounded by segment.index.bytes.
 */

export interface IndexHolder {
  /** Frees the loaded indexes; the next lookup reads them again. */
  unloadIndexes(): void
}

export class IndexCache {
  readonly #budget: number
  #bytes = 0
  /** Map order is recency order: oldest first. */
  readonly #holders = new Map<IndexHolder, number>()

  constructor(budgetBytes: number) {
    this.#budget = budgetBytes
  }

  get bytes(): number {
    return this.#bytes
  }

  /** Marks `holder`'s indexes (of `bytes`) as just used, evicting others if over budget. */
  touch(holder: IndexHolder, bytes: number): void {
    this.remove(holder)
    this.#holders.set(holder, bytes)
    this.#bytes += bytes
    for (const [h, b] of this.#holders) {
      if (this.#bytes <= this.#budget || h === holder) break
      this.#holders.delete(h)
      this.#bytes -= b
      h.unloadIndexes()
    }
  }

  /** Stops tracking `holder` (it became active again, or was deleted). */
  remove(holder: IndexHolder): void {
    const b = this.#holders.get(holder)
    if (b === undefined) return
    this.#holders.delete(holder)
    this.#bytes -= b
  }
}
