/**
 * Tells waiters that a log has grown: long-poll fetches wait on it (Kafka's delayed fetch)
 * instead of polling. `publish` runs after every append with the new log end offset, and
 * once more when the log closes so that nobody waits on a log that will not grow.
 */

export class AppendSignal {
  readonly #listeners = new Set<(logEndOffset: number) => void>()
  readonly #onError: (err: unknown) => void
  #closed = false

  /** A listener that throws is reported to `onError`; the append it listened to has succeeded regardless. */
  constructor(onError: (err: unknown) => void) {
    this.#onError = onError
  }

  /** Calls `listener` with the new log end offset after every append (and at close). Returns an unsubscribe. */
  subscribe(listener: (logEndOffset: number) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  publish(logEndOffset: number): void {
    for (const listener of this.#listeners) {
      try {
        listener(logEndOffset)
      } catch (err) {
        this.#onError(err)
      }
    }
  }

  close(logEndOffset: number): void {
    this.#closed = true
    this.publish(logEndOffset)
  }

  /** Resolves true once the log end passes `offset`; false if `signal` aborts or the log closes first. */
  waitFor(offset: number, logEndOffset: number, signal?: AbortSignal): Promise<boolean> {
    if (logEndOffset > offset) return Promise.resolve(true)
    if (this.#closed || signal?.aborted) return Promise.resolve(false)
    return new Promise((resolve) => {
      const done = (result: boolean): void => {
        unsubscribe()
        signal?.removeEventListener('abort', onAbort)
        resolve(result)
      }
      const unsubscribe = this.subscribe((end) => {
        if (end > offset) done(true)
        else if (this.#closed) done(false)
      })
      const onAbort = (): void => done(false)
      signal?.addEventListener('abort', onAbort)
    })
  }
}
