/**
 * Kafka's LogManager for one broker: the partition logs across `log.dirs`, their loading and
 * recovery at start-up, the per-dir checkpoint files, retention and flush schedules, topic
 * deletion, and a clean shutdown that lets the next start skip recovery.
 *
 * Per log dir:
 *   <topic>-<partition>/                 one PartitionLog each
 *   recovery-point-offset-checkpoint     offsets below which each log is fsynced
 *   log-start-offset-checkpoint          log start offsets moved past the first segment
 *   cleaner-offset-checkpoint            where each compacted log's last clean ended (cleaner/log-cleaner.ts)
 *   .kafka_cleanshutdown                 written by close(); removed once the logs are open
 */
import { readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pino, type Logger } from 'pino'
import { LONG_MAX } from '../config/config-def.js'
import { writeAtomically } from './atomic-write.js'
import { readOffsetCheckpoint, ensureCheckpoint, writeOffsetCheckpoint, type OffsetCheckpoint } from './checkpoint-file.js'
import { CLEANER_OFFSET_CHECKPOINT, DEFAULT_CLEANER_CONFIG, LogCleaner, type LogCleanerConfig } from './cleaner/log-cleaner.js'
import { systemClock, TimerScheduler, type Clock, type Scheduler } from './clock.js'
import { FdCache } from './fd-cache.js'
import { fsyncDir } from './file-io.js'
import { DELETE_DIR_SUFFIX, deleteDirName, parsePartitionDirName, partitionDirName } from './file-names.js'
import { IndexCache } from './index-cache.js'
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js'
import { createLogDir, loadLogDir } from './log-loader.js'
import { PartitionLog } from './partition-log.js'
import { LogClosedError, type LogContext } from './partition-log-types.js'
import type { Decompress } from './segment-lookup.js'
import { writeBatcher, type WriteBatcher } from './write-batcher.js'

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint'
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint'
export { CLEANER_OFFSET_CHECKPOINT } from './cleaner/log-cleaner.js'
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown'
/** KRaft's metadata log lives among the partitions in Kafka; it is not a data partition. */
const METADATA_LOG_DIR = '__cluster_metadata-0'

export interface LogManagerOptions {
  logDirs: readonly string[]
  /** The topic's current config, read on every use so that altered configs apply at once. */
  configFor?: (topic: string) => LogConfig
  logger?: Logger
  clock?: Clock
  scheduler?: Scheduler
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs?: number
  /** log.flush.scheduler.interval.ms: how often flush.ms is checked (Kafka default: never). */
  flushCheckIntervalMs?: number
  /** log.flush.offset.checkpoint.interval.ms */
  recoveryPointCheckpointIntervalMs?: number
  /** log.flush.start.offset.checkpoint.interval.ms */
  logStartOffsetCheckpointIntervalMs?: number
  /** num.recovery.threads.per.data.dir: logs loaded at once per dir. */
  recoveryThreadsPerDataDir?: number
  /** Open segment files kept across all logs (Brook). */
  maxOpenSegmentFiles?: number
  /** How appends reach the files; the default batches them through the native addon when it was built. */
  writeBatcher?: WriteBatcher
  /** Memory for the indexes of closed segments (Brook). */
  indexCacheBytes?: number
  /** For timestamp lookups in compressed batches. */
  decompress?: Decompress
  /** producer.id.expiration.ms: a producer idle this long is forgotten by each partition. */
  producerIdExpirationMs?: number
  /** producer.id.expiration.check.interval.ms */
  producerIdExpirationCheckIntervalMs?: number
  /** The log cleaner's log.cleaner.* settings, or a getter for them (read at each round); unset ones take Kafka's defaults. */
  cleaner?: Partial<LogCleanerConfig> | (() => Partial<LogCleanerConfig>)
}

export interface CreateLogOptions {
  topicId: string | null
  /** The leader epoch the log starts in; Kafka's fresh partition has 0. */
  leaderEpoch?: number
}

interface DirState {
  path: string
  logs: Set<PartitionLog>
}

/** Runs `fn` now, or once more after the current run if asked again meanwhile. */
function coalesced(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null
  let again = false
  const run = async (): Promise<void> => {
    do {
      again = false
      await fn()
    } while (again)
  }
  return () => {
    if (running) {
      again = true
      return running
    }
    running = run().finally(() => (running = null))
    return running
  }
}

export class LogManager {
  readonly #dirs: DirState[]
  readonly #logs = new Map<string, PartitionLog>()
  readonly #creating = new Map<string, Promise<PartitionLog>>()
  readonly #ctx: LogContext
  readonly #opts: LogManagerOptions
  readonly #configFor: (topic: string) => LogConfig
  readonly #fds: FdCache
  readonly #cancels: Array<() => void> = []
  readonly #checkpointStartOffsets: () => Promise<void>
  #cleaner: LogCleaner | null = null
  #closed = false

  private constructor(opts: LogManagerOptions) {
    this.#opts = opts
    this.#configFor = opts.configFor ?? (() => DEFAULT_LOG_CONFIG)
    const logger = (opts.logger ?? pino({ level: 'silent' })).child({ component: 'storage' })
    this.#fds = new FdCache(opts.maxOpenSegmentFiles ?? 1024, (err) => logger.warn({ err }, 'closing a segment file failed'))
    this.#ctx = {
      fds: this.#fds,
      writes: opts.writeBatcher ?? writeBatcher(),
      indexCache: new IndexCache(opts.indexCacheBytes ?? 64 * 1024 * 1024),
      clock: opts.clock ?? systemClock,
      scheduler: opts.scheduler ?? new TimerScheduler((err) => logger.error({ err }, 'scheduled storage task failed')),
      logger,
      decompress: opts.decompress,
      onLogStartOffsetChange: () => void this.#checkpointStartOffsets().catch((err: unknown) => logger.error({ err }, 'log start offset checkpoint failed')),
    }
    this.#dirs = opts.logDirs.map((path) => ({ path, logs: new Set() }))
    this.#checkpointStartOffsets = coalesced(() => this.checkpointLogStartOffsets())
  }

  /** Opens every log in `logDirs` (recovering after an unclean shutdown) and starts the schedules. */
  static async open(opts: LogManagerOptions): Promise<LogManager> {
    if (opts.logDirs.length === 0) throw new RangeError('LogManager needs at least one log dir')
    const m = new LogManager(opts)
    await Promise.all(m.#dirs.map((d) => m.#loadDir(d)))
    m.#cleaner = await LogCleaner.open({
      config: () => ({ ...DEFAULT_CLEANER_CONFIG, ...(typeof opts.cleaner === 'function' ? opts.cleaner() : opts.cleaner) }),
      logDirs: opts.logDirs,
      logs: () => m.#logs.values(),
      clock: m.#ctx.clock,
      scheduler: m.#ctx.scheduler,
      logger: m.#ctx.logger.child({ component: 'log-cleaner' }),
    })
    m.#schedule()
    m.#cleaner.start()
    return m
  }

  get logDirs(): readonly string[] {
    return this.#dirs.map((d) => d.path)
  }

  /** Open segment files right now (bounded by maxOpenSegmentFiles). */
  get openSegmentFiles(): number {
    return this.#fds.openCount
  }

  /** Bytes held by the loaded indexes of closed segments (bounded by indexCacheBytes). */
  get cachedIndexBytes(): number {
    return this.#ctx.indexCache.bytes
  }

  /** Compaction of cleanup.policy=compact logs, running in the background unless log.cleaner.enable is false. */
  get cleaner(): LogCleaner {
    return this.#cleaner!
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.#logs.get(partitionDirName(topic, partition))
  }

  allLogs(): IterableIterator<PartitionLog> {
    return this.#logs.values()
  }

  async #loadDir(d: DirState): Promise<void> {
    const logger = this.#ctx.logger
    const marker = join(d.path, CLEAN_SHUTDOWN_FILE)
    const entries = await readdir(d.path, { withFileTypes: true })
    const clean = entries.some((e) => e.name === CLEAN_SHUTDOWN_FILE)
    const [recoveryPoints, startOffsets, cleanerOffsets] = await Promise.all([
      this.#readCheckpointLeniently(join(d.path, RECOVERY_POINT_CHECKPOINT)),
      this.#readCheckpointLeniently(join(d.path, LOG_START_OFFSET_CHECKPOINT)),
      this.#readCheckpointLeniently(join(d.path, CLEANER_OFFSET_CHECKPOINT)),
    ])
    const started = Date.now()
    const todo: Array<{ name: string; topic: string; partition: number }> = []
    for (const e of entries) {
      if (!e.isDirectory() || e.name === METADATA_LOG_DIR) continue
      if (e.name.endsWith(DELETE_DIR_SUFFIX)) {
        this.#scheduleDirRemoval(join(d.path, e.name), DEFAULT_LOG_CONFIG.fileDeleteDelayMs)
        continue
      }
      const parsed = parsePartitionDirName(e.name)
      if (parsed !== null) todo.push({ name: e.name, ...parsed })
    }
    const workers = Math.max(1, this.#opts.recoveryThreadsPerDataDir ?? 2)
    const next = async (): Promise<void> => {
      for (let job = todo.shift(); job !== undefined; job = todo.shift()) {
        const config = (): LogConfig => this.#configFor(job!.topic)
        const loaded = await loadLogDir({
          ctx: this.#ctx,
          dir: join(d.path, job.name),
          config,
          recoveryPoint: recoveryPoints.get(job.name),
          logStartOffset: startOffsets.get(job.name),
          cleanShutdown: clean,
          compacted: cleanerOffsets.has(job.name),
        })
        const log = new PartitionLog(this.#ctx, job.topic, job.partition, join(d.path, job.name), config, loaded)
        await log.loadProducerState(this.#producerIdExpirationMs)
        this.#add(d, log)
      }
    }
    await Promise.all(Array.from({ length: workers }, next))
    await ensureCheckpoint(join(d.path, CLEANER_OFFSET_CHECKPOINT))
    // From here on a crash is unclean: the marker goes before any append can happen.
    if (clean) {
      await rm(marker, { force: true })
      await fsyncDir(d.path)
    }
    logger.info({ dir: d.path, logs: d.logs.size, cleanShutdown: clean, ms: Date.now() - started }, 'loaded logs')
  }

  async #readCheckpointLeniently(path: string): Promise<OffsetCheckpoint> {
    try {
      return await readOffsetCheckpoint(path)
    } catch (err) {
      this.#ctx.logger.warn({ path, err }, 'ignoring an unreadable checkpoint: the logs it covers are recovered in full')
      return new Map()
    }
  }

  #add(d: DirState, log: PartitionLog): void {
    d.logs.add(log)
    this.#logs.set(partitionDirName(log.topic, log.partition), log)
  }

  /** The log of a partition, created empty (in the log dir holding the fewest) if it does not exist. */
  createLog(topic: string, partition: number, opts: CreateLogOptions): Promise<PartitionLog> {
    if (this.#closed) return Promise.reject(new LogClosedError('the log manager is closed'))
    const key = partitionDirName(topic, partition)
    const existing = this.#logs.get(key)
    if (existing) return Promise.resolve(existing)
    const pending = this.#creating.get(key)
    if (pending) return pending
    const d = this.#dirs.reduce((a, b) => (b.logs.size < a.logs.size ? b : a))
    const dir = join(d.path, key)
    const config = (): LogConfig => this.#configFor(topic)
    const created = createLogDir({ ctx: this.#ctx, dir, config, topicId: opts.topicId, leaderEpoch: opts.leaderEpoch ?? 0 })
      .then((loaded) => {
        const log = new PartitionLog(this.#ctx, topic, partition, dir, config, loaded)
        this.#add(d, log)
        this.#ctx.logger.info({ topic, partition, dir }, 'created log')
        return log
      })
      .finally(() => this.#creating.delete(key))
    this.#creating.set(key, created)
    return created
  }

  /**
   * Deletes a partition's log as Kafka does: the dir is renamed to `<topic>-<p>.<id>-delete`
   * at once and removed in the background after file.delete.delay.ms.
   */
  async deleteLog(topic: string, partition: number): Promise<void> {
    const key = partitionDirName(topic, partition)
    const log = this.#logs.get(key)
    if (log === undefined) return
    this.#logs.delete(key)
    const d = this.#dirs.find((x) => x.logs.has(log))!
    d.logs.delete(log)
    await this.#cleaner?.removeLog(log, d.path)
    await log.abandon()
    const target = join(d.path, deleteDirName(topic, partition))
    await rename(log.dir, target)
    await fsyncDir(d.path)
    this.#ctx.logger.info({ topic, partition, renamedTo: target }, 'log scheduled for deletion')
    this.#scheduleDirRemoval(target, this.#configFor(topic).fileDeleteDelayMs)
  }

  #scheduleDirRemoval(path: string, delayMs: number): void {
    this.#ctx.scheduler.after(delayMs, async () => {
      await rm(path, { recursive: true, force: true })
      this.#ctx.logger.info({ path }, 'deleted log dir')
    })
  }

  // ---- schedules

  #schedule(): void {
    const s = this.#ctx.scheduler
    const o = this.#opts
    this.#cancels.push(
      s.every(o.retentionCheckIntervalMs ?? 300000, () => this.cleanupLogs().then(() => {})),
      s.every(o.flushCheckIntervalMs ?? LONG_MAX, () => this.flushDirtyLogs()),
      s.every(o.recoveryPointCheckpointIntervalMs ?? 60000, () => this.checkpointRecoveryPoints()),
      s.every(o.logStartOffsetCheckpointIntervalMs ?? 60000, () => this.#checkpointStartOffsets()),
      s.every(o.producerIdExpirationCheckIntervalMs ?? 600000, () => this.removeExpiredProducers()),
    )
  }

  /** The retention check: deletes expired segments of every log; returns how many. */
  async cleanupLogs(): Promise<number> {
    let deleted = 0
    for (const log of [...this.#logs.values()]) deleted += await log.deleteOldSegments()
    return deleted
  }

  get #producerIdExpirationMs(): number {
    return this.#opts.producerIdExpirationMs ?? 86400000
  }

  /** Kafka's PeriodicProducerExpirationCheck: every log forgets its idle producers. */
  removeExpiredProducers(): void {
    for (const log of this.#logs.values()) log.removeExpiredProducers(this.#producerIdExpirationMs)
  }

  /** fsyncs logs whose flush.ms has passed since their last flush. */
  async flushDirtyLogs(): Promise<void> {
    const now = this.#ctx.clock.now()
    for (const log of [...this.#logs.values()]) await log.flushIfDue(now)
  }

  async checkpointRecoveryPoints(): Promise<void> {
    await Promise.all(
      this.#dirs.map((d) =>
        writeOffsetCheckpoint(join(d.path, RECOVERY_POINT_CHECKPOINT), [...d.logs].map((l) => ({ topic: l.topic, partition: l.partition, offset: l.recoveryPoint }))),
      ),
    )
  }

  /** Kafka lists only logs whose start offset has moved past their first segment's base offset. */
  async checkpointLogStartOffsets(): Promise<void> {
    await Promise.all(
      this.#dirs.map((d) =>
        writeOffsetCheckpoint(
          join(d.path, LOG_START_OFFSET_CHECKPOINT),
          [...d.logs].filter((l) => l.logStartOffset > l.segmentBaseOffsets[0]!).map((l) => ({ topic: l.topic, partition: l.partition, offset: l.logStartOffset })),
        ),
      ),
    )
  }

  /** Clean shutdown: finish appends, fsync every log, write checkpoints and the clean-shutdown marker. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const cancel of this.#cancels) cancel()
    await this.#cleaner?.close()
    await Promise.all([...this.#logs.values()].map((l) => l.close()))
    await this.checkpointRecoveryPoints()
    await this.#checkpointStartOffsets()
    for (const d of this.#dirs) {
      await writeAtomically(join(d.path, CLEAN_SHUTDOWN_FILE), JSON.stringify({ version: 0, brokerEpoch: -1 }))
    }
    await this.#fds.closeAll()
    this.#ctx.logger.info({ logs: this.#logs.size }, 'logs closed cleanly')
  }
}

