/**
 * One partition's log: Kafka's UnifiedLog for a single replica. Appends are queued per
 * partition and written in order; appends that queue up while a write is in flight go out
 * together in one writev. An append resolves once its bytes are in the OS (page cache), so
 * kill -9 cannot lose it; fsync follows flush.messages / flush.ms, segment rolls and close.
 * The high watermark equals the log end offset: Brook is the only replica.
 */
import { join } from 'node:path'
import { AppendSignal } from './append-signal.js'
import { CLEANED_SUFFIX, SWAP_SUFFIX, renameSegmentSuffix, type CleanedSegment } from './cleaner/cleaned-segment.js'
import { fsyncDir } from './file-io.js'
import { segmentFileName } from './file-names.js'
import type { LeaderEpochCache } from './leader-epoch-cache.js'
import type { LogConfig } from './log-config.js'
import { deletableSegments, type DeletionReason } from './log-retention.js'
import { LogAppender, type AppendHost } from './log-appender.js'
import { LogFlusher } from './log-flusher.js'
import { readLog } from './log-read.js'
import { LogSegment } from './log-segment.js'
import { LogProducerState } from './producer-state/log-producer-state.js'
import { firstAtOrAfter, firstWithLargest } from './timestamp-lookup.js'
import type { AbortedTxn } from './producer-state/producer-state-manager.js'
import {
  LogClosedError,
  type AppendOptions, type AppendResult, type LoadedLog, type LogContext, type OffsetRange, type OffsetAndEpoch, type OffsetAndTimestamp, type ReadOptions, type ReadResult,
} from './partition-log-types.js'

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
  /** Offsets below this are written: what reads and the high watermark see. */
  #logEndOffset: number
  readonly #flusher: LogFlusher
  #background = new Set<Promise<unknown>>()
  #deletions: Promise<unknown> = Promise.resolve()
  readonly #appended: AppendSignal
  readonly #appender: LogAppender
  readonly #producers: LogProducerState
  readonly #cleanShutdown: boolean
  readonly #producerFree: OffsetRange | undefined
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
    this.#logEndOffset = loaded.logEndOffset
    this.#flusher = new LogFlusher(dir, () => this.#segments, ctx.clock, loaded.recoveryPoint)
    this.#appended = new AppendSignal((err) => ctx.logger.error({ err, topic, partition }, 'append listener failed'))
    this.#producers = new LogProducerState(dir, `${topic}-${partition}`, ctx.logger.child({ topic, partition }), (base, suffix) => this.#segmentPath(base, suffix))
    this.#cleanShutdown = loaded.cleanShutdown
    this.#producerFree = loaded.producerFree
    this.#appender = new LogAppender(this.#appendHost(), loaded.logEndOffset)
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
  /** Offsets below this hold no open transaction: what read_committed consumers may see. */
  get lastStableOffset(): number {
    const unstable = this.#producers.state.firstUnstableOffset()
    return unstable >= 0 && unstable < this.highWatermark ? unstable : this.highWatermark
  }
  /** The producers that wrote here and their open transactions (DescribeProducers). */
  get producerState(): LogProducerState['state'] {
    return this.#producers.state
  }
  /** Offsets below this are fsynced; recovery after a crash scans from its segment on. */
  get recoveryPoint(): number {
    return this.#flusher.recoveryPoint
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
   * for such topics); resolves once the bytes are written (log-appender.ts).
   */
  append(batches: Buffer, opts: AppendOptions = {}): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new LogClosedError(`${this.topic}-${this.partition} is closed`))
    return this.#appender.append(batches, opts)
  }

  #appendHost(): AppendHost {
    return {
      logger: this.#ctx.logger.child({ topic: this.topic, partition: this.partition }),
      epochs: this.#epochs,
      config: this.#config,
      now: () => this.#ctx.clock.now(),
      logStartOffset: () => this.#logStartOffset,
      activeSegment: () => this.#active,
      roll: (baseOffset) => this.#roll(baseOffset),
      advance: (logEndOffset) => {
        this.#logEndOffset = logEndOffset
        this.#producers.state.onHighWatermarkUpdated(logEndOffset)
        return logEndOffset - this.#flusher.recoveryPoint >= this.#config().flushMessages ? this.flush() : null
      },
      acknowledged: (logEndOffset) => this.#appended.publish(logEndOffset),
      checkProducers: (batches, origin) => this.#producers.check(batches, origin),
      whenWritten: (offset) => this.waitForAppend(offset),
      indexAborted: (segment, aborted) => this.#producers.indexAborted(segment.baseOffset, aborted),
      appendsFailed: (offset) => this.#producers.state.forgetFrom(offset),
    }
  }

  #segmentPath(base: number, suffix: string): string {
    const segment = this.#segments.find((s) => s.baseOffset === base)
    return segment !== undefined ? segment.path(suffix) : join(this.dir, segmentFileName(base, suffix))
  }

  async #roll(baseOffset: number): Promise<LogSegment> {
    const old = this.#active
    const segment = await LogSegment.create(this.#ctx, this.dir, baseOffset, this.#config)
    old.closeForAppends()
    this.#segments = [...this.#segments, segment]
    // Kafka snapshots producer state at each roll, so a restart replays at most the active segment.
    this.#track(this.#producers.takeSnapshot(this.#appender.nextOffset))
    this.#ctx.logger.info({ topic: this.topic, partition: this.partition, baseOffset, previousSize: old.size }, 'rolled new log segment')
    // Kafka's flush-log task: the closed segment is fsynced in the background, then the recovery point moves past it.
    this.#track(this.#flusher.flushUpTo(baseOffset))
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
    return this.#flusher.flushUpTo(this.#logEndOffset)
  }

  /** flush.ms: called by the LogManager's flush scheduler. */
  async flushIfDue(now: number): Promise<void> {
    if (this.#flusher.isDue(this.#logEndOffset, now, this.#config().flushMs)) await this.flush()
  }

  // ---- reads

  /** Whole batches from `offset`, up to `maxBytes` (at least one batch unless minOneMessage is false); see log-read.ts. */
  read(offset: number, maxBytes: number, opts: ReadOptions = {}): Promise<ReadResult> {
    return readLog(this, offset, maxBytes, opts)
  }

  /** The aborted transactions overlapping [startOffset, upperBoundOffset), for read_committed fetches. */
  collectAbortedTransactions(startOffset: number, upperBoundOffset: number): Promise<AbortedTxn[]> {
    return this.#producers.collectAborted(this.segmentBaseOffsets, startOffset, upperBoundOffset)
  }

  /**
   * Loads producer state at start-up, from the latest snapshot and the records after it (after
   * an unclean shutdown); called once, before the first append.
   */
  async loadProducerState(expirationMs: number): Promise<void> {
    await this.#producers.recover({
      dir: this.dir,
      logStartOffset: this.#logStartOffset,
      logEndOffset: this.#logEndOffset,
      cleanShutdown: this.#cleanShutdown,
      producerFree: this.#producerFree,
      segmentBases: this.segmentBaseOffsets,
      read: async (offset, maxBytes) => (await this.read(offset, maxBytes)).records,
      segmentPath: (base, suffix) => this.#segmentPath(base, suffix),
    }, this.#ctx.clock.now(), expirationMs)
  }

  /** producer.id.expiration.ms: forgets idle producers; returns how many. */
  removeExpiredProducers(expirationMs: number): number {
    return this.#producers.state.removeExpiredProducers(this.#ctx.clock.now(), expirationMs)
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
  async offsetForTimestamp(timestamp: number): Promise<OffsetAndTimestamp | null> {
    const found = await firstAtOrAfter(this.#segments, this.#logStartOffset, timestamp)
    return found === null ? null : { ...found, leaderEpoch: this.#epochs.epochForOffset(found.offset) }
  }

  /** ListOffsets MAX_TIMESTAMP: the first fetchable record carrying the largest timestamp, or null for an empty log. */
  async maxTimestampOffset(): Promise<OffsetAndTimestamp | null> {
    const found = await firstWithLargest(this.#segments, this.#logStartOffset)
    return found === null ? null : { ...found, leaderEpoch: this.#epochs.epochForOffset(found.offset) }
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

  /**
   * The cleaner's swap (Kafka's replaceSegments): `cleaned`, written as `.cleaned` files, takes
   * the place of `old`, a run of closed segments from the same base offset, with Kafka's rename
   * order (cleaned-segment.ts). Runs between retention's deletions; resolves false, changing
   * nothing, when one of `old` is gone meanwhile (the caller removes the `.cleaned` files).
   */
  replaceSegments(old: readonly LogSegment[], cleaned: CleanedSegment): Promise<boolean> {
    return this.#serially(async () => {
      const segs = this.#segments
      const first = segs.indexOf(old[0]!)
      const after = first + old.length
      if (first < 0 || after >= segs.length || old.some((s, i) => segs[first + i] !== s)) return false
      await renameSegmentSuffix(this.dir, cleaned.baseOffset, CLEANED_SUFFIX, SWAP_SUFFIX)
      for (const s of old) await s.retire()
      await renameSegmentSuffix(this.dir, cleaned.baseOffset, SWAP_SUFFIX, '')
      await fsyncDir(this.dir)
      const replacement = LogSegment.open(this.#ctx, this.dir, cleaned.baseOffset, this.#config, cleaned.size)
      replacement.setEndOffset(segs[after]!.baseOffset)
      replacement.allowHoles()
      // Appends may have rolled new segments during the renames: splice into the list as it is now.
      const current = this.#segments
      const at = current.indexOf(old[0]!)
      this.#segments = [...current.slice(0, at), replacement, ...current.slice(at + old.length)]
      this.#producers.onSegmentsDeleted(old.map((s) => s.baseOffset), this.#logStartOffset)
      const delay = this.#config().fileDeleteDelayMs
      for (const s of old) this.#ctx.scheduler.after(delay, () => s.deleteFiles())
      return true
    })
  }

  /** Every segment, the active one last, for the cleaner's reads. */
  get segments(): readonly LogSegment[] {
    return this.#segments
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
    this.#producers.onSegmentsDeleted(victims.map((v) => v.baseOffset), this.#logStartOffset)
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
    await this.#appender.whenIdle()
    await Promise.all([...this.#background, this.#deletions])
    const active = this.#active
    active.closeForAppends()
    await this.#producers.takeSnapshot(this.#logEndOffset)
    await this.#producers.flushed()
    await this.flush()
    await active.flush()
    this.#appended.close(this.#logEndOffset)
  }

  /** Stops without flushing (the log is being deleted): fails nothing already acknowledged. */
  async abandon(): Promise<void> {
    this.#closed = true
    await this.#appender.whenIdle()
    await Promise.all([...this.#background, this.#deletions])
    this.#appended.close(this.#logEndOffset)
  }
}

