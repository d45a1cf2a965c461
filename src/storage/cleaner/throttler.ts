/**
 * Kafka's Throttler for the cleaner (log.cleaner.io.max.bytes.per.second): bytes read and
 * written are counted, and every 300 ms the clean sleeps as long as it takes to bring the rate
 * of that period down to the limit.
 */

const CHECK_INTERVAL_MS = 300

export interface ThrottlerClock {
  now(): number
  sleep(ms: number): Promise<void>
}

const realClock: ThrottlerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

export class Throttler {
  readonly #bytesPerSecond: () => number
  readonly #clock: ThrottlerClock
  #periodStart: number
  #observed = 0

  constructor(bytesPerSecond: () => number, clock: ThrottlerClock = realClock) {
    this.#bytesPerSecond = bytesPerSecond
    this.#clock = clock
    this.#periodStart = clock.now()
  }

  /** Starts a new period: time spent idle between cleans is no I/O to average over. */
  reset(): void {
    this.#periodStart = this.#clock.now()
    this.#observed = 0
  }

  /** Counts `bytes`; at the end of a period over the limit, sleeps until the period's rate is the limit. */
  async maybeThrottle(bytes: number): Promise<void> {
    this.#observed += bytes
    const elapsed = this.#clock.now() - this.#periodStart
    if (elapsed <= CHECK_INTERVAL_MS) return
    const limit = this.#bytesPerSecond()
    if ((this.#observed * 1000) / elapsed > limit) {
      const sleep = Math.round((this.#observed * 1000) / limit - elapsed)
      if (sleep > 0) await this.#clock.sleep(sleep)
    }
    this.#periodStart = this.#clock.now()
    this.#observed = 0
  }
}
