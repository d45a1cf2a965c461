/**
 * The write side of a PartitionLog: numbers appends (stamping offsets into their batches),
 * queues them, and writes whatever queued up while a write was in flight in one writev,
 * rolling the segment where needed. Callback-style on the hot path: the time between one
 * write's completion and the next one's start is what a producer waiting on each append
 * feels, and every promise on that path costs.
 */
import type { Logger } from 'pino'
import { BatchHeader } from '../protocol/records/batch-header.js'
import type { LeaderEpochCache } from './leader-epoch-cache.js'
import type { LogConfig } from './log-config.js'
import type { LogSegment } from './log-segment.js'
import { InvalidBatchError, type AppendOptions, type AppendResult } from './partition-log-types.js'
import type { AppendOrigin } from './producer-state/producer-append-info.js'
import type { AbortedTxn, ProducerCheck } from './producer-state/producer-state-manager.js'
import { stampBatches } from './stamp-batches.js'

/** What the appender needs from its log. */
export interface AppendHost {
  readonly logger: Logger
  readonly epochs: LeaderEpochCache
  config(): LogConfig
  now(): number
  logStartOffset(): number
  /** The segment appends go to now. */
  activeSegment(): LogSegment
  /** Closes the active segment and starts one at `baseOffset`. */
  roll(baseOffset: number): Promise<LogSegment>
  /** Offsets below `logEndOffset` are written and indexed; a returned promise (a due fsync) holds back their acknowledgement. */
  advance(logEndOffset: number): Promise<void> | null
  /** Appends up to `logEndOffset` were acknowledged. */
  acknowledged(logEndOffset: number): void
  /** Validates and applies the append's producer batches (producer-state-manager.ts); throws to refuse it. */
  checkProducers(batches: Buffer, origin: AppendOrigin): ProducerCheck
  /** Resolves once the log end passes `offset` (a duplicate's original may still be queued). */
  whenWritten(offset: number): Promise<unknown>
  /** Aborted transactions whose markers were just written to `segment`. */
  indexAborted(segment: LogSegment, aborted: readonly AbortedTxn[]): void
  /** Appends numbered from `offset` on failed: the producer state forgets them. */
  appendsFailed(offset: number): void
}

interface PendingAppend {
  buf: Buffer
  batches: number
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
  logAppendTime: number
  /** Transactions this append's markers abort: indexed in the segment the markers land in. */
  aborted: readonly AbortedTxn[]
  done: boolean
  resolve: (r: AppendResult) => void
  reject: (err: unknown) => void
}

const EMPTY = Buffer.alloc(0)
/** Buffers per writev (Linux's IOV_MAX). */
const MAX_WRITE_BUFFERS = 1024

export class LogAppender {
  readonly #host: AppendHost
  /** Offsets are assigned when an append is queued: the next one to give out. */
  #nextOffset: number
  /** The offset after the last batch written. */
  #written: number
  #queue: PendingAppend[] = []
  /** A group of appends is being written; the next starts when it completes. */
  #writing = false
  readonly #idle: Array<() => void> = []
  /** Re-pointed at each batch indexed. */
  readonly #header = BatchHeader.view(EMPTY, 0)

  constructor(host: AppendHost, logEndOffset: number) {
    this.#host = host
    this.#nextOffset = logEndOffset
    this.#written = logEndOffset
  }

  /** Numbers and stamps the batches, queues them, and resolves once they are written. */
  append(batches: Buffer, opts: AppendOptions): Promise<AppendResult> {
    const appendTime = this.#host.config().messageTimestampType === 'LogAppendTime'
    const logAppendTime = appendTime ? (opts.logAppendTime ?? this.#host.now()) : -1
    const stamp = appendTime && opts.logAppendTime === undefined ? logAppendTime : -1
    const stamped = stampBatches(batches, this.#nextOffset, opts.leaderEpoch, stamp)
    if (typeof stamped === 'string') return Promise.reject(new InvalidBatchError(stamped))
    let producers: ProducerCheck
    try {
      producers = this.#host.checkProducers(batches, opts.origin ?? 'coordinator')
    } catch (err) {
      return Promise.reject(err)
    }
    if (producers.duplicate !== null) {
      // Kafka answers a retried batch with the original's offsets, its timestamp as the append time.
      const d = producers.duplicate
      const result = { baseOffset: d.firstOffset, lastOffset: d.lastOffset, logAppendTime: d.timestamp, logStartOffset: this.#host.logStartOffset() }
      return d.lastOffset < this.#written ? Promise.resolve(result) : this.#host.whenWritten(d.lastOffset).then(() => result)
    }
    const baseOffset = this.#nextOffset
    this.#nextOffset = stamped.nextOffset
    return new Promise((resolve, reject) => {
      this.#queue.push({
        buf: batches, batches: stamped.count, baseOffset, lastOffset: stamped.nextOffset - 1,
        maxTimestamp: stamped.maxTimestamp, logAppendTime, aborted: producers.aborted, done: false, resolve, reject,
      })
      if (!this.#writing) this.#writeNext()
    })
  }

  /** The offset the next append gets: past every queued append. */
  get nextOffset(): number {
    return this.#nextOffset
  }

  /** Resolves when no append is queued or being written. */
  whenIdle(): Promise<void> {
    if (!this.#writing && this.#queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }

  /** Starts writing everything queued (it leaves with the turn's other writes: write-batcher.ts). */
  #writeNext(): void {
    const queue = this.#queue
    if (queue.length === 0) {
      if (this.#idle.length > 0) for (const wake of this.#idle.splice(0)) wake()
      return
    }
    this.#writing = true
    // Usually the whole queue goes: hand it over rather than copy it.
    const group = queue.length <= MAX_WRITE_BUFFERS ? queue : queue.splice(0, MAX_WRITE_BUFFERS)
    if (group === queue) this.#queue = []
    this.#writeFrom(group, 0)
  }

  /** Writes group[from..] to the active segment in one writev, up to the first append that must roll it first. */
  #writeFrom(group: PendingAppend[], from: number): void {
    const segment = this.#host.activeSegment()
    let pendingBytes = 0
    let pendingBatches = 0
    let to = from
    for (; to < group.length; to++) {
      const a = group[to]!
      if (segment.shouldRoll(pendingBytes, pendingBatches, a.buf.length, a.maxTimestamp, a.lastOffset) !== false) break
      pendingBytes += a.buf.length
      pendingBatches += a.batches
    }
    if (to > from) this.#write(segment, group, from, to)
    else this.#rollThenWrite(segment, group, from).catch((err: unknown) => this.#fail(group, err))
  }

  /** The rare path: the segment is due to roll (or must read its first batch to tell). */
  async #rollThenWrite(segment: LogSegment, group: PendingAppend[], from: number): Promise<void> {
    const a = group[from]!
    if (await segment.shouldRoll(0, 0, a.buf.length, a.maxTimestamp, a.lastOffset)) await this.#host.roll(a.baseOffset)
    // A new segment is empty and never rolls, and a settled check answers at once: this makes progress.
    this.#writeFrom(group, from)
  }

  /** Writes group[from, to) to `segment`, indexes it, and acknowledges it once any due fsync is done. */
  #write(segment: LogSegment, group: PendingAppend[], from: number, to: number): void {
    const bufs: Buffer[] = []
    for (let i = from; i < to; i++) bufs.push(group[i]!.buf)
    segment.write(bufs, (err, start) => {
      if (err) return this.#fail(group, err)
      try {
        this.#index(segment, bufs, start)
        for (let i = from; i < to; i++) if (group[i]!.aborted.length > 0) this.#host.indexAborted(segment, group[i]!.aborted)
      } catch (e) {
        return this.#fail(group, e)
      }
      this.#written = group[to - 1]!.lastOffset + 1
      const flushing = this.#host.advance(this.#written)
      if (flushing === null) this.#acknowledge(group, from, to)
      else flushing.then(() => this.#acknowledge(group, from, to), (e: unknown) => this.#fail(group, e))
    })
  }

  /** Adds the batches just written at `start` to the segment's indexes and the leader epochs, and makes them readable. */
  #index(segment: LogSegment, bufs: Buffer[], start: number): void {
    const epochs = this.#host.epochs
    let position = start
    let epochChanged = false
    const h = this.#header
    for (const buf of bufs) {
      for (let p = 0; p < buf.length; ) {
        h.moveTo(buf, p)
        const size = h.sizeInBytes
        segment.addBatch(h, position + p, size)
        const epoch = h.partitionLeaderEpoch
        if (epoch > epochs.latestEpoch && epochs.assign(epoch, h.baseOffset)) epochChanged = true
        p += size
      }
      position += buf.length
    }
    segment.commit(position)
    if (epochChanged) epochs.flush().catch((err: unknown) => this.#host.logger.error({ err }, 'writing leader-epoch-checkpoint failed'))
  }

  /** group[from, to) is written: continue with what follows, then resolve these appends. */
  #acknowledge(group: PendingAppend[], from: number, to: number): void {
    for (let i = from; i < to; i++) group[i]!.done = true
    if (to < group.length) this.#writeFrom(group, to)
    else {
      this.#writing = false
      this.#writeNext()
    }
    const logStartOffset = this.#host.logStartOffset()
    for (let i = from; i < to; i++) {
      const a = group[i]!
      a.resolve({ baseOffset: a.baseOffset, lastOffset: a.lastOffset, logAppendTime: a.logAppendTime, logStartOffset })
    }
    this.#host.acknowledged(group[to - 1]!.lastOffset + 1)
  }

  /** A write failed: its appends and those queued behind them (numbered after them) fail; numbering restarts after what was written. */
  #fail(group: PendingAppend[], err: unknown): void {
    const failed = [...group, ...this.#queue.splice(0)].filter((a) => !a.done)
    this.#nextOffset = this.#written
    this.#host.appendsFailed(this.#written)
    this.#host.logger.error({ err, appends: failed.length }, 'append failed')
    for (const a of failed) a.reject(err)
    this.#writing = false
    this.#writeNext()
  }
}
