/**
 * Time for the storage layer, injectable so that tests of segment.ms, retention.ms, flush.ms
 * and delayed file deletion advance a manual clock instead of sleeping.
 */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

export type Task = () => void | Promise<void>

export interface Scheduler {
  /** Runs `task` every `periodMs` (first after one period); a run still going skips the next. Returns a cancel. */
  every(periodMs: number, task: Task): () => void
  /** Runs `task` once after `delayMs`. Returns a cancel. */
  after(delayMs: number, task: Task): () => void
}

export const systemClock: Clock = { now: () => Date.now() }

/** setTimeout's limit; longer periods (Kafka's Long.MAX "never") never fire. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** Real timers, unref'd so that a pending retention check never keeps the process alive. */
export class TimerScheduler implements Scheduler {
  #onError: (err: unknown) => void

  constructor(onError: (err: unknown) => void) {
    this.#onError = onError
  }

  every(periodMs: number, task: Task): () => void {
    if (periodMs > MAX_TIMER_MS) return () => {}
    let running = false
    const timer = setInterval(() => {
      if (running) return
      running = true
      Promise.resolve()
        .then(task)
        .catch(this.#onError)
        .finally(() => (running = false))
    }, periodMs)
    timer.unref()
    return () => clearInterval(timer)
  }

  after(delayMs: number, task: Task): () => void {
    if (delayMs > MAX_TIMER_MS) return () => {}
    const timer = setTimeout(() => Promise.resolve().then(task).catch(this.#onError), delayMs)
    timer.unref()
    return () => clearTimeout(timer)
  }
}

interface ManualTask {
  due: number
  periodMs: number
  task: Task
  cancelled: boolean
}

/** A clock and scheduler for tests: time moves only when `advance` is called, and due tasks run then, in order. */
export class ManualClock implements Clock, Scheduler {
  #now: number
  #tasks: ManualTask[] = []

  constructor(start = 1_700_000_000_000) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  every(periodMs: number, task: Task): () => void {
    return this.#add({ due: this.#now + periodMs, periodMs, task, cancelled: false })
  }

  after(delayMs: number, task: Task): () => void {
    return this.#add({ due: this.#now + delayMs, periodMs: 0, task, cancelled: false })
  }

  #add(t: ManualTask): () => void {
    this.#tasks.push(t)
    return () => (t.cancelled = true)
  }

  /** Moves time forward by `ms`, running (and awaiting) every task that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms
    for (;;) {
      this.#tasks = this.#tasks.filter((t) => !t.cancelled)
      const next = this.#tasks.filter((t) => t.due <= target).sort((a, b) => a.due - b.due)[0]
      if (next === undefined) break
      this.#now = Math.max(this.#now, next.due)
      if (next.periodMs > 0) next.due += next.periodMs
      else next.cancelled = true
      await next.task()
    }
    this.#now = target
  }
}
