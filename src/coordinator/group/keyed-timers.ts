/**
 * Timers by key over an injectable Scheduler, as Kafka's coordinator timer: scheduling a key
 * replaces its previous timer, so "reschedule the heartbeat deadline" is one call.
 */
import type { Scheduler } from '../../storage/clock.js'

export class KeyedTimers {
  readonly #scheduler: Scheduler
  readonly #cancels = new Map<string, () => void>()

  constructor(scheduler: Scheduler) {
    this.#scheduler = scheduler
  }

  schedule(key: string, delayMs: number, task: () => void | Promise<void>): void {
    this.cancel(key)
    // Forgotten before it runs, so the task may schedule its own key again.
    const cancel = this.#scheduler.after(Math.max(0, delayMs), () => {
      this.#cancels.delete(key)
      return task()
    })
    this.#cancels.set(key, cancel)
  }

  cancel(key: string): void {
    const cancel = this.#cancels.get(key)
    if (cancel === undefined) return
    cancel()
    this.#cancels.delete(key)
  }

  /** Cancels every timer whose key starts with `prefix` (a group's timers when it is unloaded). */
  cancelPrefix(prefix: string): void {
    for (const key of [...this.#cancels.keys()]) if (key.startsWith(prefix)) this.cancel(key)
  }

  cancelAll(): void {
    for (const cancel of this.#cancels.values()) cancel()
    this.#cancels.clear()
  }
}

/** Timer keys, one namespace per group so unloading a group cancels exactly its timers. */
export const timerKey = {
  group: (groupId: string): string => `${groupId}\u0000`,
  join: (groupId: string): string => `${groupId}\u0000join`,
  sync: (groupId: string): string => `${groupId}\u0000sync`,
  heartbeat: (groupId: string, memberId: string): string => `${groupId}\u0000heartbeat\u0000${memberId}`,
}
