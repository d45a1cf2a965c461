/**
 * Kafka's DelayedFetch and its purgatory: a Fetch whose first read found fewer than minBytes
 * waits (up to maxWaitMs) for appends to its partitions. It completes when
 *   - the bytes readable across its partitions reach minBytes, each partition counting at most
 *     its partitionMaxBytes (Kafka's case G);
 *   - a fetch offset is not on the partition's active segment, or the log rolled while waiting:
 *     Kafka completes at once then (case F), since the bytes cannot be counted by position;
 *   - a partition was deleted or replaced, or its log closed (cases A-C);
 *   - maxWaitMs passes, or the purgatory closes (broker shutdown: nobody waits out maxWait).
 * The caller then reads again, as Kafka's onComplete does.
 *
 * Bytes are counted from the log's size: appended bytes are the growth of the log since the
 * wait began. An append that lands between the first read and the wait completes it at once
 * (the bytes it added are unknown); the second read returns them.
 *
 * A read_committed fetch sees only offsets below the last stable offset (Kafka's DelayedFetch
 * takes its end offset from the LSO for that isolation): appends that leave the LSO where the
 * first read saw it (data of an open transaction) do not count, and one that moves it completes
 * the fetch (the bytes it made readable are not known by position here; the second read counts them).
 *
 * One append listener per log, shared by all fetches waiting on it, removed with the last of
 * them; one timer per fetch, cancelled when it completes.
 */
import type { Scheduler } from '../storage/clock.js'
import type { PartitionLog } from '../storage/partition-log.js'

/** The part of a PartitionLog a delayed fetch watches. */
export type WatchedLog = Pick<PartitionLog, 'onAppend' | 'logEndOffset' | 'lastStableOffset' | 'size' | 'segmentCount' | 'segmentBaseOffsets'>

export interface DelayedPartition {
  readonly log: WatchedLog
  /** False once the partition was deleted or its log replaced. */
  readonly isCurrent: () => boolean
  readonly fetchOffset: number
  /** The log end offset the first read saw. */
  readonly readLogEndOffset: number
  /** read_committed: the last stable offset the first read saw; undefined for read_uncommitted. */
  readonly readStableOffset?: number
  /** Bytes the first read returned for this partition. */
  readonly bytesRead: number
  /** The partition's partitionMaxBytes: the most it counts toward minBytes. */
  readonly maxBytes: number
}

export type FetchCompletion = 'enough-bytes' | 'stable-offset-moved' | 'older-segment' | 'partition-changed' | 'expired' | 'shutdown'

interface PartitionState {
  readonly p: DelayedPartition
  readonly startSize: number
  readonly startSegments: number
  logEndOffset: number
  counted: number
}

class DelayedFetch {
  readonly parts = new Map<WatchedLog, PartitionState>()
  readonly minBytes: number
  readonly #resolve: (how: FetchCompletion) => void
  cancelTimer: () => void = () => {}
  total = 0
  done = false

  constructor(minBytes: number, resolve: (how: FetchCompletion) => void) {
    this.minBytes = minBytes
    this.#resolve = resolve
  }

  /** What an append to (or the close of) `log` means for this fetch: a completion, or null to go on waiting. */
  onAppend(log: WatchedLog, logEndOffset: number, size: () => number): FetchCompletion | null {
    const s = this.parts.get(log)
    if (s === undefined) return null
    // A log publishes once more, with an unchanged end, when it closes.
    if (!s.p.isCurrent() || logEndOffset <= s.logEndOffset) return 'partition-changed'
    s.logEndOffset = logEndOffset
    if (log.segmentCount !== s.startSegments) return 'older-segment'
    if (s.p.readStableOffset !== undefined) return log.lastStableOffset > s.p.readStableOffset ? 'stable-offset-moved' : null
    const counted = Math.min(s.p.bytesRead + size() - s.startSize, s.p.maxBytes)
    this.total += counted - s.counted
    s.counted = counted
    return this.total >= this.minBytes ? 'enough-bytes' : null
  }

  finish(how: FetchCompletion): void {
    this.done = true
    this.cancelTimer()
    this.#resolve(how)
  }
}

interface Watcher {
  readonly unsubscribe: () => void
  readonly waiting: Set<DelayedFetch>
}

export class FetchPurgatory {
  readonly #scheduler: Scheduler
  readonly #watchers = new Map<WatchedLog, Watcher>()
  readonly #waiting = new Set<DelayedFetch>()
  #closed = false

  constructor(scheduler: Scheduler) {
    this.#scheduler = scheduler
  }

  /** Fetches waiting. */
  get size(): number {
    return this.#waiting.size
  }

  /** Logs with an append listener installed by the purgatory. */
  get watchedLogs(): number {
    return this.#watchers.size
  }

  /** Waits until the fetch over `partitions` can complete (see the header); resolves with the reason. */
  wait(partitions: readonly DelayedPartition[], minBytes: number, maxWaitMs: number): Promise<FetchCompletion> {
    if (this.#closed) return Promise.resolve('shutdown')
    let early: FetchCompletion | null = null
    let readable = 0
    for (const p of partitions) {
      if (!p.isCurrent()) early ??= 'partition-changed'
      else if (p.readStableOffset !== undefined ? p.log.lastStableOffset !== p.readStableOffset : p.log.logEndOffset !== p.readLogEndOffset)
        early ??= 'partition-changed'
      else if (p.fetchOffset < p.log.segmentBaseOffsets.at(-1)!) early ??= 'older-segment'
      readable += Math.min(p.bytesRead, p.maxBytes)
    }
    if (early === null && (readable >= minBytes || maxWaitMs <= 0)) early = readable >= minBytes ? 'enough-bytes' : 'expired'
    if (early !== null) return Promise.resolve(early)

    return new Promise((resolve) => {
      const op = new DelayedFetch(minBytes, resolve)
      op.total = readable
      for (const p of partitions) {
        op.parts.set(p.log, {
          p,
          startSize: p.log.size,
          startSegments: p.log.segmentCount,
          logEndOffset: p.readLogEndOffset,
          counted: Math.min(p.bytesRead, p.maxBytes),
        })
        this.#watch(p.log).waiting.add(op)
      }
      this.#waiting.add(op)
      op.cancelTimer = this.#scheduler.after(maxWaitMs, () => this.#complete(op, 'expired'))
    })
  }

  /** Completes every waiting fetch; later waits complete at once. */
  close(): void {
    this.#closed = true
    for (const op of [...this.#waiting]) this.#complete(op, 'shutdown')
  }

  #watch(log: WatchedLog): Watcher {
    let watcher = this.#watchers.get(log)
    if (watcher === undefined) {
      watcher = { unsubscribe: log.onAppend((end) => this.#onAppend(log, end)), waiting: new Set() }
      this.#watchers.set(log, watcher)
    }
    return watcher
  }

  #onAppend(log: WatchedLog, logEndOffset: number): void {
    const watcher = this.#watchers.get(log)
    if (watcher === undefined) return
    let size: number | undefined
    const sizeOnce = (): number => (size ??= log.size)
    for (const op of [...watcher.waiting]) {
      if (op.done) continue
      const how = op.onAppend(log, logEndOffset, sizeOnce)
      if (how !== null) this.#complete(op, how)
    }
  }

  #complete(op: DelayedFetch, how: FetchCompletion): void {
    if (op.done) return
    this.#waiting.delete(op)
    for (const log of op.parts.keys()) {
      const watcher = this.#watchers.get(log)
      if (watcher === undefined) continue
      watcher.waiting.delete(op)
      if (watcher.waiting.size === 0) {
        watcher.unsubscribe()
        this.#watchers.delete(log)
      }
    }
    op.finish(how)
  }
}
