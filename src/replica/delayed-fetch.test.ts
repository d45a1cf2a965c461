import { beforeEach, describe, expect, it } from 'vitest'
import type { Scheduler, Task } from '../storage/clock.js'
import { FetchPurgatory, type DelayedPartition, type FetchCompletion, type WatchedLog } from './delayed-fetch.js'

/** A log that grows when told to, counting its listeners. */
class FakeLog implements WatchedLog {
  logEndOffset = 10
  /** Follows the log end unless a transaction holds it (`hold`). */
  held: number | null = null
  size = 1000
  segmentBaseOffsets = [0]
  readonly listeners = new Set<(end: number) => void>()

  get segmentCount(): number {
    return this.segmentBaseOffsets.length
  }

  get lastStableOffset(): number {
    return this.held ?? this.logEndOffset
  }

  onAppend(listener: (end: number) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  append(records: number, bytes: number): void {
    this.logEndOffset += records
    this.size += bytes
    for (const l of [...this.listeners]) l(this.logEndOffset)
  }

  roll(): void {
    this.segmentBaseOffsets = [...this.segmentBaseOffsets, this.logEndOffset]
  }

  close(): void {
    for (const l of [...this.listeners]) l(this.logEndOffset)
  }
}

/** A manual-time scheduler that counts its timers (ManualClock's task list is too slow for 10,000 of them). */
class CountingScheduler implements Scheduler {
  #now = 0
  #timers: Array<{ due: number; task: Task; live: boolean }> = []
  set = 0
  cancelled = 0
  fired = 0

  every(): () => void {
    throw new Error('not used')
  }

  after(delayMs: number, task: Task): () => void {
    const timer = { due: this.#now + delayMs, task, live: true }
    this.#timers.push(timer)
    this.set++
    return () => {
      if (!timer.live) return
      timer.live = false
      this.cancelled++
    }
  }

  /** Live timers: neither fired nor cancelled. */
  get pending(): number {
    return this.#timers.filter((t) => t.live).length
  }

  async advance(ms: number): Promise<void> {
    this.#now += ms
    const due = this.#timers.filter((t) => t.live && t.due <= this.#now).sort((a, b) => a.due - b.due)
    this.#timers = this.#timers.filter((t) => t.live && t.due > this.#now)
    for (const t of due) {
      if (!t.live) continue
      t.live = false
      this.fired++
      await t.task()
    }
  }
}

let scheduler: CountingScheduler
let purgatory: FetchPurgatory

beforeEach(() => {
  scheduler = new CountingScheduler()
  purgatory = new FetchPurgatory(scheduler)
})

function at(log: FakeLog, over: Partial<DelayedPartition> = {}): DelayedPartition {
  return { log, isCurrent: () => true, fetchOffset: log.logEndOffset, readLogEndOffset: log.logEndOffset, bytesRead: 0, maxBytes: 1 << 20, ...over }
}

/** Starts a wait and exposes how it ended (undefined while it waits). */
function start(partitions: DelayedPartition[], minBytes: number, maxWaitMs: number): { readonly how: FetchCompletion | undefined } {
  const state: { how: FetchCompletion | undefined } = { how: undefined }
  void purgatory.wait(partitions, minBytes, maxWaitMs).then((how) => (state.how = how))
  return state
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('FetchPurgatory: completion rules', () => {
  it('read_committed: appends of an open transaction do not count; the marker that moves the LSO completes', async () => {
    const a = new FakeLog()
    a.held = 10
    const w = start([at(a, { readStableOffset: 10 })], 1, 5000)
    a.append(5, 5000)
    await settle()
    expect(w.how).toBeUndefined()
    a.held = null
    a.append(1, 80)
    await settle()
    expect(w.how).toBe('stable-offset-moved')
  })

  it('read_committed: an LSO that moved before the wait began completes it at once; a log end that moved alone does not', async () => {
    const a = new FakeLog()
    expect(await purgatory.wait([at(a, { readStableOffset: 9 })], 1, 5000)).toBe('partition-changed')
    a.held = 10
    const w = start([at(a, { readStableOffset: 10, readLogEndOffset: 8 })], 1, 5000)
    await settle()
    expect(w.how).toBeUndefined()
    await scheduler.advance(5000)
    expect(w.how).toBe('expired')
  })

  it('completes when the bytes appended across partitions reach minBytes', async () => {
    const a = new FakeLog()
    const b = new FakeLog()
    const w = start([at(a), at(b)], 500, 5000)
    a.append(1, 200)
    await settle()
    expect(w.how).toBeUndefined()
    b.append(1, 299)
    await settle()
    expect(w.how).toBeUndefined()
    b.append(1, 1)
    await settle()
    expect(w.how).toBe('enough-bytes')
    expect(purgatory.size).toBe(0)
  })

  it('counts each partition at most its partitionMaxBytes, as Kafka', async () => {
    const a = new FakeLog()
    const b = new FakeLog()
    const w = start([at(a, { maxBytes: 100 }), at(b, { maxBytes: 100 })], 150, 5000)
    a.append(5, 10_000)
    await settle()
    expect(w.how).toBeUndefined()
    b.append(1, 60)
    await settle()
    expect(w.how).toBe('enough-bytes')
  })

  it('counts what the first read returned', async () => {
    const a = new FakeLog()
    const w = start([at(a, { fetchOffset: 9, bytesRead: 80 })], 100, 5000)
    a.append(1, 19)
    await settle()
    expect(w.how).toBeUndefined()
    a.append(1, 1)
    await settle()
    expect(w.how).toBe('enough-bytes')
  })

  it('expires after maxWaitMs, not before', async () => {
    const a = new FakeLog()
    const w = start([at(a)], 1000, 500)
    await scheduler.advance(499)
    expect(w.how).toBeUndefined()
    a.append(1, 10)
    await scheduler.advance(1)
    await settle()
    expect(w.how).toBe('expired')
    expect(a.listeners.size).toBe(0)
  })

  it('completes at once when the first read already had enough, or maxWait is 0', async () => {
    const a = new FakeLog()
    expect(await purgatory.wait([at(a, { fetchOffset: 5, bytesRead: 300 })], 300, 5000)).toBe('enough-bytes')
    expect(await purgatory.wait([at(a)], 300, 0)).toBe('expired')
    expect(scheduler.set).toBe(0)
  })

  it('completes at once for a fetch offset on an older segment (Kafka case F)', async () => {
    const a = new FakeLog()
    a.roll()
    expect(await purgatory.wait([at(a, { fetchOffset: 5, bytesRead: 10 })], 300, 5000)).toBe('older-segment')
  })

  it('completes when the log rolls while waiting', async () => {
    const a = new FakeLog()
    const w = start([at(a)], 1 << 20, 5000)
    a.roll()
    a.append(1, 10)
    await settle()
    expect(w.how).toBe('older-segment')
  })

  it('completes at once when the log grew between the read and the wait', async () => {
    const a = new FakeLog()
    expect(await purgatory.wait([at(a, { readLogEndOffset: 9 })], 1 << 20, 5000)).toBe('partition-changed')
  })

  it('completes when a partition is deleted or its log closes', async () => {
    const a = new FakeLog()
    let current = true
    const deleted = start([at(a, { isCurrent: () => current })], 1 << 20, 5000)
    current = false
    a.close()
    await settle()
    expect(deleted.how).toBe('partition-changed')

    const b = new FakeLog()
    const closed = start([at(b)], 1 << 20, 5000)
    b.close()
    await settle()
    expect(closed.how).toBe('partition-changed')
    expect(await purgatory.wait([at(b, { isCurrent: () => false })], 1 << 20, 5000)).toBe('partition-changed')
  })

  it('completes every waiting fetch at close, and later ones at once', async () => {
    const a = new FakeLog()
    const waits = [start([at(a)], 1000, 60_000), start([at(a)], 1000, 60_000)]
    purgatory.close()
    await settle()
    expect(waits.map((w) => w.how)).toEqual(['shutdown', 'shutdown'])
    expect(scheduler.pending).toBe(0)
    expect(a.listeners.size).toBe(0)
    expect(await purgatory.wait([at(a)], 1000, 60_000)).toBe('shutdown')
  })
})

describe('FetchPurgatory: resources', () => {
  it('shares one append listener per log among the fetches waiting on it', async () => {
    const a = new FakeLog()
    const b = new FakeLog()
    const waits = [start([at(a)], 100, 5000), start([at(a), at(b)], 100, 5000), start([at(b)], 100, 5000)]
    expect([a.listeners.size, b.listeners.size, purgatory.watchedLogs, purgatory.size]).toEqual([1, 1, 2, 3])
    a.append(1, 100)
    await settle()
    expect(waits.map((w) => w.how)).toEqual(['enough-bytes', 'enough-bytes', undefined])
    expect([a.listeners.size, b.listeners.size, purgatory.watchedLogs]).toEqual([0, 1, 1])
    expect(scheduler.cancelled).toBe(2)
  })

  it('leaves no listener and no timer behind after 10,000 long polls expire', async () => {
    const logs = Array.from({ length: 10 }, () => new FakeLog())
    const waits = Array.from({ length: 10_000 }, (_, i) => start([at(logs[i % 10]!), at(logs[(i + 3) % 10]!)], 1 << 20, 100 + (i % 50)))
    expect(purgatory.size).toBe(10_000)
    expect(logs.every((l) => l.listeners.size === 1)).toBe(true)
    await scheduler.advance(200)
    await settle()
    expect(waits.every((w) => w.how === 'expired')).toBe(true)
    expect([purgatory.size, purgatory.watchedLogs, scheduler.pending]).toEqual([0, 0, 0])
    expect(logs.every((l) => l.listeners.size === 0)).toBe(true)
  })

  it('cancels the timer of every fetch that completes early', async () => {
    const a = new FakeLog()
    for (let i = 0; i < 1000; i++) start([at(a)], 1, 60_000)
    a.append(1, 10)
    await settle()
    expect([scheduler.set, scheduler.cancelled, scheduler.pending, purgatory.size]).toEqual([1000, 1000, 0, 0])
  })
})
