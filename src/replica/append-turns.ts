/**
 * Kafka handles a connection's requests one at a time, so a producer that pipelines requests
 * (max.in.flight > 1) has its batches appended in the order it sent them. Brook handles a
 * connection's requests concurrently; turns keep that promise: a Produce request starts its
 * appends (when the log assigns offsets) only after the connection's previous Produce request
 * started its own. Validation still overlaps and the writes still coalesce.
 *
 *   const turn = takeAppendTurn(connection)   // synchronously, in request order
 *   ...validate...
 *   if (turn.ready) await turn.ready
 *   ...log.append(...) for each partition...
 *   turn.release()                            // always, appends or not
 */
export interface AppendTurn {
  /** Resolves when this request may append; null when it may already. */
  readonly ready: Promise<void> | null
  /** Lets the connection's next Produce request append. Idempotent. */
  release(): void
}

class Turn implements AppendTurn {
  ready: Promise<void> | null = null
  #released = false
  #next: (() => void) | null = null

  get released(): boolean {
    return this.#released
  }

  /** Calls `wake` once this turn is released. */
  onRelease(wake: () => void): void {
    this.#next = wake
  }

  release(): void {
    if (this.#released) return
    this.#released = true
    this.#next?.()
  }
}

/** The last turn taken on each connection. */
const tails = new WeakMap<object, Turn>()

/** Takes the connection's next turn; call in request order, before any await. */
export function takeAppendTurn(connection: object): AppendTurn {
  const previous = tails.get(connection)
  const turn = new Turn()
  tails.set(connection, turn)
  if (previous !== undefined && !previous.released) turn.ready = new Promise((resolve) => previous.onRelease(resolve))
  return turn
}
