/**
 * One segment of a partition's log: `<base>.log` with its sparse `<base>.index` and
 * `<base>.timeindex`. It knows its committed size, keeps its indexes in memory while they
 * are needed, and reads whole batches. The active segment (the one appended to) keeps its
 * indexes pinned; when the log rolls, the segment is closed, flushed, and its indexes are
 * left to the IndexCache, which drops them when memory runs over budget.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { BatchHeader } from '../protocol/records/batch-header.js'
import type { Clock } from './clock.js'
import type { FdCache } from './fd-cache.js'
import { fsyncFd, truncateFd } from './file-io.js'
import { DELETED_SUFFIX, INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, segmentFileName } from './file-names.js'
import type { IndexCache, IndexHolder } from './index-cache.js'
import type { LogConfig } from './log-config.js'
import type { ReadBuffers } from './partition-log-types.js'
import { ReadHints } from './read-hints.js'
import {
  SEGMENT_SUFFIXES, createSegmentFiles, emptyIndexes, readIndexFiles, removeSegmentFiles, renameSegmentFiles, writeIndexFiles, type Indexes,
} from './segment-files.js'
import {
  IndexMismatchError, NEW_BUFFERS, findByTimestamp, locate, readBatches, scanHeaders,
  type BatchLocation, type BatchRange, type Decompress,
} from './segment-lookup.js'
import { SegmentIndexer } from './segment-indexer.js'
import { SegmentLogFile } from './segment-log-file.js'
import { scanSegment, type ScanResult } from './segment-scan.js'
import type { TimestampOffset } from './time-index.js'
import type { WriteBatcher } from './write-batcher.js'

/** What all segments share. */
export interface SegmentContext {
  readonly fds: FdCache
  /** Where appends are written (write-batcher.ts). */
  readonly writes: WriteBatcher
  readonly indexCache: IndexCache
  readonly clock: Clock
  readonly logger: Logger
  readonly decompress?: Decompress | undefined
}

/**
 * Reads of the active segment that start at most this far before its end are made
 * synchronously (readAtSync): those bytes were appended moments ago, so the page cache holds them.
 */
const HOT_TAIL_BYTES = 256 * 1024

export class LogSegment implements IndexHolder {
  readonly baseOffset: number
  readonly #dir: string
  readonly #ctx: SegmentContext
  readonly #config: () => LogConfig
  #suffix = ''
  /** path(LOG_SUFFIX), kept because every read and write needs it. */
  #logPath: string
  #size: number
  #endOffset: number
  #indexes: Indexes | null = null
  #loading: Promise<Indexes> | null = null
  #active: boolean
  /** In-memory index entries not yet in the files. */
  #dirty = false
  #indexer: SegmentIndexer
  /** maxTimestamp of the first batch, which segment.ms counts from; undefined until read. */
  #rollingBasedTimestamp: number | undefined
  readonly #created: number
  readonly #rollJitterMs: number
  readonly #hints = new ReadHints()
  readonly #file: SegmentLogFile<ScanResult & { fileSize: number }>
  /** The log was compacted: batches may leave holes between them (see allowHoles). */
  #holesAllowed = false

  private constructor(ctx: SegmentContext, dir: string, baseOffset: number, config: () => LogConfig, size: number, active: boolean) {
    this.#ctx = ctx
    this.#dir = dir
    this.baseOffset = baseOffset
    this.#config = config
    this.#logPath = this.path(LOG_SUFFIX)
    this.#size = size
    this.#endOffset = size === 0 ? baseOffset : Number.MAX_SAFE_INTEGER
    this.#indexer = new SegmentIndexer(baseOffset, size === 0)
    this.#active = active
    this.#created = ctx.clock.now()
    const c = config()
    this.#rollJitterMs = c.segmentJitterMs > 0 ? Math.floor(Math.random() * Math.min(c.segmentJitterMs, c.segmentMs)) : 0
    this.#file = new SegmentLogFile(ctx.fds, ctx.writes, () => this.#logPath, () => this.#size)
  }

  /** A new, empty, active segment; its three files are created now. */
  static async create(ctx: SegmentContext, dir: string, baseOffset: number, config: () => LogConfig): Promise<LogSegment> {
    const seg = new LogSegment(ctx, dir, baseOffset, config, 0, true)
    await createSegmentFiles(seg.path(LOG_SUFFIX), seg.path(INDEX_SUFFIX), seg.path(TIME_INDEX_SUFFIX))
    seg.#indexes = emptyIndexes(baseOffset, config().segmentIndexBytes)
    seg.#rollingBasedTimestamp = -1
    return seg
  }

  /** An existing segment of `size` bytes; its indexes load when first needed. */
  static open(ctx: SegmentContext, dir: string, baseOffset: number, config: () => LogConfig, size: number): LogSegment {
    return new LogSegment(ctx, dir, baseOffset, config, size, false)
  }

  path(suffix: string): string {
    return join(this.#dir, segmentFileName(this.baseOffset, suffix) + this.#suffix)
  }

  /** Committed bytes: what reads may see. */
  get size(): number {
    return this.#size
  }
  /** The offset after the last batch (MAX_SAFE_INTEGER while unknown, for a segment just opened). */
  get endOffset(): number {
    return this.#endOffset
  }
  /** Fixes the end of a closed segment when its log is opened: the next segment's base offset. */
  setEndOffset(offset: number): void {
    this.#endOffset = offset
  }

  /** Runs a rebuild once no write is in flight and no other rebuild runs; concurrent callers share it. */
  #rebuildExclusive(truncate: boolean, onBatch?: (header: BatchHeader) => void): Promise<ScanResult & { fileSize: number }> {
    return this.#file.rebuild(() => this.#rebuild(truncate, onBatch))
  }

  // ---- indexes

  #cache(idx: Indexes): void {
    if (!this.#active && !this.#dirty) this.#ctx.indexCache.touch(this, idx.offsets.memoryBytes + idx.times.memoryBytes)
  }

  /** The loaded indexes; reads the files (rebuilding them from the log if missing or corrupt) when needed. */
  async indexes(): Promise<Indexes> {
    if (this.#indexes !== null) {
      this.#cache(this.#indexes)
      return this.#indexes
    }
    this.#loading ??= this.#load().finally(() => (this.#loading = null))
    return this.#loading
  }

  async #load(): Promise<Indexes> {
    const c = this.#config()
    const paths = [this.path(INDEX_SUFFIX), this.path(TIME_INDEX_SUFFIX)] as const
    const loaded = await readIndexFiles(...paths, this.baseOffset, c.segmentIndexBytes, this.#size, this.#endOffset)
    if (typeof loaded === 'string') {
      this.#ctx.logger.warn({ segment: this.#logPath, problem: loaded }, 'rebuilding segment indexes from the log')
      await this.#rebuildExclusive(false)
      return this.#indexes!
    }
    this.#indexes = loaded
    this.#indexer.resumeFrom(loaded.times)
    this.#cache(loaded)
    return loaded
  }

  unloadIndexes(): void {
    if (!this.#active && !this.#dirty) this.#indexes = null
  }

  /** Adds a written batch to the in-memory indexes: an entry every index.interval.bytes, as Kafka. */
  #indexBatch(idx: Indexes, lastOffset: number, position: number, size: number, maxTimestamp: number): void {
    this.#indexer.add(idx, lastOffset, position, size, maxTimestamp, this.#config().indexIntervalBytes)
    this.#endOffset = lastOffset + 1
    this.#dirty = true
  }

  /** Largest batch timestamp in the segment (-1 if none), loading the time index if needed. */
  async maxTimestamp(): Promise<number> {
    if (!this.#indexer.known) await this.indexes()
    return this.#indexer.maxTimestamp
  }

  /** Kafka's largestTimestamp, which retention.ms compares: the max timestamp, else the file's mtime. */
  async largestTimestamp(): Promise<number> {
    const ts = await this.maxTimestamp()
    return ts > 0 ? ts : (await stat(this.#logPath)).mtimeMs
  }

  // ---- appends and rolling

  /**
   * Writes `bufs` (whole batches) at the end of the file in one system call, then calls
   * `done` with the position the write started at. The caller reports each batch with
   * `addBatch` and makes them visible with `commit`, in the same step. Callback-style: this
   * is the hottest path, and every promise on it costs.
   */
  write(bufs: Buffer[], done: (err: Error | null, position: number) => void): void {
    this.#file.write(bufs, done)
  }

  /** Indexes a batch just written at `position`. */
  addBatch(h: BatchHeader, position: number, size: number): void {
    if (position === 0 && this.#rollingBasedTimestamp === -1) this.#rollingBasedTimestamp = h.maxTimestamp
    this.#indexBatch(this.#indexes!, h.lastOffset, position, size, h.maxTimestamp)
  }

  /** Makes written bytes up to `size` visible to reads. */
  commit(size: number): void {
    this.#size = size
  }

  /**
   * Kafka's shouldRoll: size, age (segment.ms from the first batch's timestamp), full index,
   * offset overflow. Answers synchronously unless the first batch's timestamp must be read.
   */
  shouldRoll(pendingBytes: number, pendingBatches: number, appendBytes: number, maxTimestamp: number, lastOffset: number): boolean | Promise<boolean> {
    const size = this.#size + pendingBytes
    if (size === 0) return false
    const c = this.#config()
    if (size > c.segmentBytes - appendBytes || lastOffset - this.baseOffset > 2 ** 31 - 1) return true
    const idx = this.#indexes!
    if (Math.max(idx.offsets.entries, idx.times.entries) + pendingBatches >= Math.min(idx.offsets.maxEntries, idx.times.maxEntries)) return true
    const ts = this.#rollingBasedTimestamp
    if (ts === undefined) {
      return this.locate(this.baseOffset).then((first) => {
        this.#rollingBasedTimestamp = first?.maxTimestamp ?? -1
        return this.shouldRoll(pendingBytes, pendingBatches, appendBytes, maxTimestamp, lastOffset)
      })
    }
    const waited = ts >= 0 ? maxTimestamp - ts : this.#ctx.clock.now() - this.#created
    // Kafka's maxSegmentMs: a compacted log also rolls at max.compaction.lag.ms, since the cleaner never touches the active segment.
    const segmentMs = c.cleanupPolicy.includes('compact') ? Math.min(c.segmentMs, c.maxCompactionLagMs) : c.segmentMs
    return waited > segmentMs - this.#rollJitterMs
  }

  /** No more appends: a final time-index entry; once flushed, the indexes are left to the cache. */
  closeForAppends(): void {
    if (this.#indexes !== null) {
      this.#indexer.closeTimeIndex(this.#indexes.times)
      this.#dirty = true
    }
    this.#active = false
  }

  /**
   * The log has been compacted (a segment the cleaner wrote, or a log it has cleaned before):
   * offsets may skip between batches whatever cleanup.policy says now, so scans accept holes.
   * A log never compacted still has its batches checked to follow each other, which catches a
   * damaged base offset (outside the CRC).
   */
  allowHoles(): void {
    this.#holesAllowed = true
  }

  /** Takes appends again: the last segment of a log being opened. */
  activate(): void {
    this.#active = true
    this.#ctx.indexCache.remove(this)
  }

  /**
   * fsyncs the log file; a closed segment also writes and fsyncs its indexes if they changed.
   * The active segment's indexes are written when it closes: after a crash, recovery rebuilds them.
   */
  async flush(): Promise<void> {
    await this.#file.withFd(fsyncFd)
    const idx = this.#indexes
    if (this.#active || idx === null || !this.#dirty) return
    await writeIndexFiles(this.path(INDEX_SUFFIX), this.path(TIME_INDEX_SUFFIX), idx)
    this.#dirty = false
    this.#cache(idx)
  }

  // ---- recovery

  /**
   * Scans the whole file, validating every batch, and rebuilds the indexes from it. With
   * `truncate` (recovery at start-up), cuts the file at the first invalid byte.
   */
  recover(onBatch: (header: BatchHeader) => void): Promise<ScanResult & { fileSize: number }> {
    return this.#rebuildExclusive(true, onBatch)
  }

  async #rebuild(truncate: boolean, onBatch?: (header: BatchHeader) => void): Promise<ScanResult & { fileSize: number }> {
    const idx = emptyIndexes(this.baseOffset, this.#config().segmentIndexBytes)
    this.#indexer = new SegmentIndexer(this.baseOffset, true)
    this.#hints.clear()
    const result = await this.#file.withFd(async (fd) => {
      const fileSize = (await stat(this.#logPath)).size
      const scan = await scanSegment(fd, fileSize, {
        baseOffset: this.baseOffset,
        contiguous: !this.#holesAllowed && !this.#config().cleanupPolicy.includes('compact'),
        onBatch: (h, position, size) => {
          this.#indexBatch(idx, h.lastOffset, position, size, h.maxTimestamp)
          onBatch?.(h)
        },
      })
      if (truncate && scan.validBytes < fileSize) await truncateFd(fd, scan.validBytes)
      return { ...scan, fileSize }
    })
    if (!truncate && result.problem !== null)
      this.#ctx.logger.error({ segment: this.#logPath, at: result.validBytes, problem: result.problem }, 'closed segment has invalid data; serving only what precedes it')
    this.#size = truncate ? result.validBytes : Math.min(this.#size, result.validBytes)
    this.#endOffset = result.nextOffset
    this.#rollingBasedTimestamp = undefined
    if (!this.#active) this.#indexer.closeTimeIndex(idx.times)
    await writeIndexFiles(this.path(INDEX_SUFFIX), this.path(TIME_INDEX_SUFFIX), idx)
    this.#dirty = false
    this.#indexes = idx
    this.#cache(idx)
    return result
  }

  /** After a clean shutdown: the end offset, reading only the tail after the last index entry. */
  async readEndOffset(): Promise<number> {
    const { end, position } = await this.#lookup(async (fd, idx, size) => {
      const n = idx.offsets.entries
      const position = n === 0 ? 0 : idx.offsets.positionAt(n - 1)
      let end = n === 0 ? this.baseOffset : idx.offsets.offsetAt(n - 1) + 1
      await scanHeaders(fd, position, size, (h) => {
        end = h.nextOffset
        return false
      })
      return { end, position }
    })
    this.#endOffset = end
    this.#indexer.bytesSinceLastEntry = this.#size - position
    return end
  }

  // ---- reads

  /** Runs a lookup; if an index entry or hint proves wrong, rebuilds the indexes once and retries. */
  async #lookup<T>(fn: (fd: number, idx: Indexes, end: number) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const idx = await this.indexes()
      try {
        return await this.#file.withFd((fd) => fn(fd, idx, this.#size))
      } catch (err) {
        if (!(err instanceof IndexMismatchError) || attempt > 0) throw err
        this.#ctx.logger.warn({ segment: this.#logPath, problem: err.message }, 'index disagrees with the log; rebuilding it')
        await this.#rebuildExclusive(false)
      }
    }
  }

  /** Where the batch holding `offset` (or the first after it) starts, or null if none in this segment. */
  locate(offset: number): Promise<BatchLocation | null> {
    return this.#lookup((fd, idx, end) => locate(fd, end, idx.offsets, offset))
  }

  /** Whole batches from the one holding `offset`, up to `maxBytes`; null if no batch here ends at or after `offset`. */
  read(offset: number, maxBytes: number, minOneMessage: boolean, buffers: ReadBuffers = NEW_BUFFERS): Promise<BatchRange | null> {
    return this.#lookup(async (fd, idx, end) => {
      const hinted = this.#hints.get(offset)
      const position = hinted !== undefined && hinted < end ? hinted : (await locate(fd, end, idx.offsets, offset))?.position
      if (position === undefined) return null
      // A consumer at the tail reads what was just appended: still in the page cache.
      const hot = this.#active && end - position <= HOT_TAIL_BYTES
      const range = await readBatches(fd, position, end, offset, idx.offsets, { maxBytes, minOneMessage, hot, buffers })
      if (range.records.length > 0) this.#hints.set(range.nextOffset, position + range.records.length)
      return range
    })
  }

  /** The first record at or after `minOffset` with a timestamp >= `timestamp`, or null. */
  findByTimestamp(timestamp: number, minOffset: number): Promise<TimestampOffset | null> {
    return this.#lookup((fd, idx, end) => findByTimestamp(fd, end, idx, this.baseOffset, timestamp, minOffset, this.#ctx.decompress))
  }

  // ---- deletion

  /** Renames the files to `*.deleted`, Kafka's first step of deleting a segment; open fds stay valid. */
  async retire(): Promise<void> {
    this.#ctx.indexCache.remove(this)
    this.#indexes = null
    const from = SEGMENT_SUFFIXES.map((s) => this.path(s))
    this.#suffix = DELETED_SUFFIX
    this.#logPath = this.path(LOG_SUFFIX)
    await renameSegmentFiles(this.#ctx.fds, from, SEGMENT_SUFFIXES.map((s) => this.path(s)))
  }

  /** Removes the files (after `retire`, the `.deleted` ones). */
  deleteFiles(): Promise<void> {
    return removeSegmentFiles(this.#ctx.fds, SEGMENT_SUFFIXES.map((s) => this.path(s)))
  }
}
