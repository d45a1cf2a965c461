/**
 * One partition's log: Kafka's UnifiedLog for a single replica. Appends are queued per
 * partition and written in order; appends that queue up while a write is in flight go out
 * together in one writev. An append resolves once its bytes are in the OS (page cache), so
 * kill -9 cannot lose it; fsync follows flush.messages / flush.ms, segment rolls and close.
 * The high watermark equals the log end offset: Brook is the only replica.
 */
import { ErrorCode } from '../protocol/error-codes.js'
import { BatchHeader } from '../protocol/records/batch-header.js'
import { AppendSignal } from './append-signal.js'
import { fsyncDir, isNotFound } from './file-io.js'
import type { LeaderEpochCache } from './leader-epoch-cache.js'
import type { LogConfig } from './log-config.js'
import { deletableSegments, type DeletionReason } from './log-retention.js'
import { LogSegment } from './log-segment.js'
import {
  InvalidBatchError, LogClosedError,
  type AppendOptions, type AppendResult, type LoadedLog, type LogContext, type OffsetAndEpoch, type ReadOptions, type ReadResult,
} from './partition-log-types.js'
import { stampBatches } from './stamp-batches.js'

interface PendingAppend {
  buf: Buffer
  batches: number
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
  logAppendTime: number
  done: boolean
  resolve: (r: AppendResult) => void
  reject: (err: unknown) => void
}

const EMPTY = Buffer.alloc(0)
/** Buffers per writev (Linux's IOV_MAX). */
const MAX_WRITE_BUFFERS = 1024

export class PartitionLog {
  readonly topic: string
  readonly partition: number
  readonly dir: string
  readonly topicId: string | null
  readonly #ctx: LogContext
  readonly #config: () => LogConfig
  readonly #epochs: LeaderEpochCache
  /** Replaced, never mutated, so a reader's snapshot stays consistent across awaits. */
  #segments: readonly LogSegment[]
  #logStartOffset: number
  /** Offsets are assigned when an append is queued: the next one to give out. */
  #nextOffset: number
  /** Offsets below this are written: what reads and the high watermark see. */
  #logEndOffset: number
  #recoveryPoint: number
  #lastFlushTime: number
  #queue: PendingAppend[] = []
  /** A group of appends is being written; the next starts when it completes. */
  #writing = false
  readonly #idle: Array<() => void> = []
  #flushing: Promise<void> = Promise.resolve()
  #background = new Set<Promise<unknown>>()
  #deletions: Promise<unknown> = Promise.resolve()
  readonly #appended: AppendSignal
  #closed = false

  constructor(ctx: LogContext, topic: string, partition: number, dir: string, config: () => LogConfig, loaded: LoadedLog) {
    this.#ctx = ctx
    this.topic = topic
    this.partition = partition
    this.dir = dir
    this.#config = config
    this.topicId = loaded.topicId
    this.#segments = loaded.segments
    this.#epochs = loaded.epochs
    this.#logStartOffset = loaded.logStartOffset
    this.#nextOffset = loaded.logEndOffset
    this.#logEndOffset = loaded.logEndOffset
    this.#recoveryPoint = loaded.recoveryPoint
    this.#lastFlushTime = ctx.clock.now()
    this.#appended = new AppendSignal((err) => ctx.logger.error({ err, topic, partition }, 'append listener failed'))
  }

  get config(): LogConfig {
    return this.#config()
  }
  get logStartOffset(): number {
    return this.#logStartOffset
  }
  get logEndOffset(): number {
    return this.#logEndOffset
  }
  get highWatermark(): number {
    return this.#logEndOffset
  }
  /** Offsets below this are fsynced; recovery after a crash scans from its segment on. */
  get recoveryPoint(): number {
    return this.#recoveryPoint
  }
  /** Bytes in all segments. */
  get size(): number {
    return this.#segments.reduce((n, s) => n + s.size, 0)
  }
  get segmentCount(): number {
    return this.#segments.length
  }
  get segmentBaseOffsets(): number[] {
    return this.#segments.map((s) => s.baseOffset)
  }

  get #active(): LogSegment {
    return this.#segments.at(-1)!
  }

  // ---- append

  /**
   * Appends one or more concatenated v2 batches, already validated by the caller
   * (validateBatch). Offsets are assigned in place (and the leader epoch, and LogAppendTime
   * for such topics); resolves once the bytes are written.
   */
  append(batches: Buffer, opts: AppendOptions = {}): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new LogClosedError(`${this.topic}-${this.partition} is closed`))
    const appendTime = this.#config().messageTimestampType === 'LogAppendTime'
    const logAppendTime = appendTime ? (opts.logAppendTime ?? this.#ctx.clock.now()) : -1
    const stamp = appendTime && opts.logAppendTime === undefined ? logAppendTime : -1
    const stamped = stampBatches(batches, this.#nextOffset, opts.leaderEpoch, stamp)
    if (typeof stamped === 'string') return Promise.reject(new InvalidBatchError(stamped))
    const { count, nextOffset: offset, maxTimestamp } = stamped
    const baseOffset = this.#nextOffset
    this.#nextOffset = offset
    return new Promise((resolve, reject) => {
      this.#queue.push({ buf: batches, batches: count, baseOffset, lastOffset: offset - 1, maxTimestamp, logAppendTime, done: false, resolve, reject })
      if (!this.#writing) this.#writeNext()
    })
  }

  /**
   * Starts writing everything queued, synchronously up to the write system call: the time
   * between one write's completion and the next one's start is what a producer waiting on
   * each append feels.
   */
  #writeNext(): void {
    if (this.#queue.length === 0) {
      for (const wake of this.#idle.splice(0)) wake()
      return
    }
    this.#writing = true
    const group = this.#queue.splice(0, MAX_WRITE_BUFFERS)
    this.#writeGroup(group).catch((err: unknown) => {
      // Later appends were numbered after the failed ones: fail them too and renumber from the log end.
      const failed = [...group, ...this.#queue.splice(0)].filter((a) => !a.done)
      this.#nextOffset = this.#logEndOffset
      this.#ctx.logger.error({ err, topic: this.topic, partition: this.partition, appends: failed.length }, 'append failed')
      for (const a of failed) a.reject(err)
      this.#writing = false
      this.#writeNext()
    })
  }

  /** Resolves when no append is queued or being written. */
  #whenIdle(): Promise<void> {
    if (!this.#writing && this.#queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }

  /** Writes a group of queued appends: one writev per segment they fall in (usually one). */
  async #writeGroup(group: PendingAppend[]): Promise<void> {
    let segment = this.#active
    let from = 0
    let pendingBytes = 0
    let pendingBatches = 0
    for (let i = 0; i < group.length; i++) {
      const a = group[i]!
      let roll = segment.shouldRoll(pendingBytes, pendingBatches, a.buf.length, a.maxTimestamp, a.lastOffset)
      if (typeof roll !== 'boolean') roll = await roll
      if (roll) {
        if (i > from) await this.#commit(segment, group, from, i)
        segment = await this.#roll(a.baseOffset)
        from = i
        pendingBytes = 0
        pendingBatches = 0
      }
      pendingBytes += a.buf.length
      pendingBatches += a.batches
    }
    await this.#commit(segment, group, from, group.length)
  }

  /** Writes group[from, to) to `segment`, indexes it, and acknowledges it. */
  async #commit(segment: LogSegment, group: PendingAppend[], from: number, to: number): Promise<void> {
    const bufs: Buffer[] = []
    for (let i = from; i < to; i++) bufs.push(group[i]!.buf)
    let position = await segment.write(bufs)
    let epochChanged = false
    const h = BatchHeader.view(EMPTY, 0)
    for (const buf of bufs) {
      for (let p = 0; p < buf.length; ) {
        h.moveTo(buf, p)
        const size = h.sizeInBytes
        segment.addBatch(h, position + p, size)
        const epoch = h.partitionLeaderEpoch
        if (epoch > this.#epochs.latestEpoch && this.#epochs.assign(epoch, h.baseOffset)) epochChanged = true
        p += size
      }
      position += buf.length
    }
    segment.commit(position)
    this.#logEndOffset = group[to - 1]!.lastOffset + 1
    if (epochChanged) this.#track(this.#epochs.flush())
    if (this.#logEndOffset - this.#recoveryPoint >= this.#config().flushMessages) await this.flush()
    if (to === group.length) {
      // Nothing below can fail: start the appends that queued meanwhile before acknowledging these.
      this.#writing = false
      this.#writeNext()
    }
    for (let i = from; i < to; i++) {
      const a = group[i]!
      a.done = true
      a.resolve({ baseOffset: a.baseOffset, lastOffset: a.lastOffset, logAppendTime: a.logAppendTime, logStartOffset: this.#logStartOffset })
    }
    this.#appended.publish(this.#logEndOffset)
  }

  async #roll(baseOffset: number): Promise<LogSegment> {
    const old = this.#active
    old.closeForAppends()
    const segment = await LogSegment.create(this.#ctx, this.dir, baseOffset, this.#config)
    this.#segments = [...this.#segments, segment]
    this.#ctx.logger.info({ topic: this.topic, partition: this.partition, baseOffset, previousSize: old.size }, 'rolled new log segment')
    // Kafka's flush-log task: the closed segment is fsynced in the background, then the recovery point moves past it.
    this.#track(this.#flushUpTo(baseOffset))
    return segment
  }

  #track(p: Promise<unknown>): void {
    const tracked = p.catch((err: unknown) => this.#ctx.logger.error({ err, topic: this.topic, partition: this.partition }, 'background log task failed'))
    this.#background.add(tracked)
    void tracked.finally(() => this.#background.delete(tracked))
  }

  // ---- flush

  /** fsyncs everything appended so far and moves the recovery point to the log end. */
  flush(): Promise<void> {
    return this.#flushUpTo(this.#logEndOffset)
  }

  /** flush.ms: called by the LogManager's flush scheduler. */
  async flushIfDue(now: number): Promise<void> {
    if (this.#logEndOffset > this.#recoveryPoint && now - this.#lastFlushTime >= this.#config().flushMs) await this.flush()
  }

  #flushUpTo(offset: number): Promise<void> {
    const run = async (): Promise<void> => {
      if (offset <= this.#recoveryPoint) return
      for (const s of this.#segments) if (s.endOffset > this.#recoveryPoint && s.baseOffset < offset) await s.flush()
      await fsyncDir(this.dir)
      this.#recoveryPoint = Math.max(this.#recoveryPoint, offset)
      this.#lastFlushTime = this.#ctx.clock.now()
    }
    this.#flushing = this.#flushing.then(run, run)
    return this.#flushing
  }

  // ---- reads

  #segmentIndexFor(segments: readonly LogSegment[], offset: number): number {
    let lo = 0
    let hi = segments.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (segments[mid]!.baseOffset <= offset) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /** Whole batches from `offset`, up to `maxBytes` (at least one batch unless minOneMessage is false). */
  async read(offset: number, maxBytes: number, opts: ReadOptions = {}): Promise<ReadResult> {
    const minOne = opts.minOneMessage ?? true
    for (let attempt = 0; ; attempt++) {
      const segments = this.#segments
      const result = { errorCode: ErrorCode.NONE as number, records: EMPTY, highWatermark: this.highWatermark, logStartOffset: this.#logStartOffset, logEndOffset: this.#logEndOffset }
      if (offset < result.logStartOffset || offset > result.logEndOffset) return { ...result, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE }
      if (offset === result.logEndOffset) return result
      try {
        for (let i = this.#segmentIndexFor(segments, offset); i < segments.length; i++) {
          const range = await segments[i]!.read(offset, maxBytes, minOne)
          if (range !== null) return { ...result, records: range.records }
        }
        return result
      } catch (err) {
        // Retention deleted the segment under this read: try again against the current segments.
        if (!isNotFound(err) || attempt > 0) throw err
      }
    }
  }

  /** Resolves true once the log end passes `offset`; false if `signal` aborts or the log closes first. */
  waitForAppend(offset: number, signal?: AbortSignal): Promise<boolean> {
    return this.#appended.waitFor(offset, this.#logEndOffset, signal)
  }

  /** Calls `listener` with the new log end offset after every append (and once at close). Returns an unsubscribe. */
  onAppend(listener: (logEndOffset: number) => void): () => void {
    return this.#appended.subscribe(listener)
  }

  // ---- offsets (ListOffsets)

  earliestOffset(): OffsetAndEpoch {
    return { offset: this.#logStartOffset, leaderEpoch: this.#epochs.epochForOffset(this.#logStartOffset) }
  }

  latestOffset(): OffsetAndEpoch {
    return { offset: this.highWatermark, leaderEpoch: this.#epochs.latestEpoch }
  }

  /** The first record with a timestamp >= `timestamp` (Kafka's fetchOffsetByTimestamp), or null if none. */
  async offsetForTimestamp(timestamp: number): Promise<(OffsetAndEpoch & { timestamp: number }) | null> {
    const start = this.#logStartOffset
    for (const s of this.#segments) {
      if (s.endOffset <= start || (await s.maxTimestamp()) < timestamp) continue
      const found = await s.findByTimestamp(timestamp, start)
      if (found !== null) return { ...found, leaderEpoch: this.#epochs.epochForOffset(found.offset) }
    }
    return null
  }

  /** For OffsetsForLeaderEpoch: the largest epoch <= `epoch` and where it ends. */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: number } {
    return this.#epochs.endOffsetFor(epoch, this.#logEndOffset)
  }

  /** Records that this replica leads from `epoch` on, starting at the log end (Kafka's makeLeader). */
  async assignLeaderEpoch(epoch: number): Promise<void> {
    if (this.#epochs.assign(epoch, this.#logEndOffset)) await this.#epochs.flush()
  }

  // ---- deletion

  /** DeleteRecords: moves the log start offset up to `offset` (at most the high watermark) and drops whole segments below it. */
  deleteRecordsBefore(offset: number): Promise<number> {
    if (offset > this.highWatermark) return Promise.reject(new RangeError(`offset ${offset} is above the high watermark ${this.highWatermark}`))
    return this.#serially(async () => {
      if (offset > this.#logStartOffset) this.#moveLogStartOffset(offset)
      const segs = this.#segments
      await this.#deleteSegments('log start offset', segs.slice(0, deletableSegments.logStartOffsetBreached(segs, this.#logStartOffset)))
      return this.#logStartOffset
    })
  }

  /** Applies retention.ms and retention.bytes (delete policy) and the log start offset to closed segments. */
  deleteOldSegments(): Promise<number> {
    return this.#serially(async () => {
      const c = this.#config()
      const now = this.#ctx.clock.now()
      let segs = this.#segments
      let deleted = await this.#deleteSegments('log start offset', segs.slice(0, deletableSegments.logStartOffsetBreached(segs, this.#logStartOffset)))
      if (c.cleanupPolicy.includes('delete')) {
        segs = this.#segments
        deleted += await this.#deleteSegments('retention.bytes', segs.slice(0, deletableSegments.sizeBreached(segs, c.retentionBytes)))
        segs = this.#segments
        deleted += await this.#deleteSegments('retention.ms', segs.slice(0, await deletableSegments.timeBreached(segs, c.retentionMs, now)))
      }
      return deleted
    })
  }

  /** Segment deletions run one at a time, each deciding on the segments as the previous one left them. */
  #serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#deletions.then(fn, fn)
    this.#deletions = run.catch(() => {})
    return run
  }

  #moveLogStartOffset(offset: number): void {
    this.#logStartOffset = offset
    if (this.#epochs.truncateFromStart(offset)) this.#track(this.#epochs.flush())
    this.#ctx.onLogStartOffsetChange()
  }

  async #deleteSegments(reason: DeletionReason, victims: readonly LogSegment[]): Promise<number> {
    if (victims.length === 0) return 0
    this.#segments = this.#segments.filter((s) => !victims.includes(s))
    const first = this.#segments[0]!.baseOffset
    if (first > this.#logStartOffset) this.#moveLogStartOffset(first)
    this.#ctx.logger.info(
      { topic: this.topic, partition: this.partition, reason, segments: victims.map((s) => s.baseOffset), logStartOffset: this.#logStartOffset },
      'deleting log segments',
    )
    const delay = this.#config().fileDeleteDelayMs
    for (const v of victims) {
      await v.retire()
      this.#ctx.scheduler.after(delay, () => v.deleteFiles())
    }
    return victims.length
  }

  // ---- lifecycle

  /** Finishes queued appends, writes the active segment's indexes and fsyncs everything. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#whenIdle()
    await Promise.all(this.#background)
    const active = this.#active
    active.closeForAppends()
    await this.flush()
    await active.flush()
    this.#appended.close(this.#logEndOffset)
  }

  /** Stops without flushing (the log is being deleted): fails nothing already acknowledged. */
  async abandon(): Promise<void> {
    this.#closed = true
    await this.#whenIdle()
    await Promise.all(this.#background)
    this.#appended.close(this.#logEndOffset)
  }
}
