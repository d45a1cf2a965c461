/**
 * Kafka's LogCleaner for one broker: in the background, repeatedly picks the filthiest
 * compacted log, cleans it (cleaner.ts) and records where the clean ended in the log dir's
 * `cleaner-offset-checkpoint` (checkpoint-file.ts format: "topic partition offset"); with
 * nothing to clean it waits log.cleaner.backoff.ms. The work runs on the event loop in chunks
 * (segment-batches.ts), each followed by file I/O, so produce and fetch keep being served.
 * A log that fails to clean is left alone until restart, as Kafka marks it uncleanable.
 */
import { dirname, join } from 'node:path'
import type { Logger } from 'pino'
import { readOffsetCheckpoint, writeOffsetCheckpoint, type OffsetCheckpoint } from '../checkpoint-file.js'
import type { Clock, Scheduler } from '../clock.js'
import { isNotFound } from '../file-io.js'
import { partitionDirName } from '../file-names.js'
import type { PartitionLog } from '../partition-log.js'
import { cleanLog, CleaningAbortedError, type CleanResult } from './cleaner.js'
import { filthiestLog, type PreCleanStats } from './cleaner-manager.js'
import { OffsetMap } from './offset-map.js'
import { Throttler } from './throttler.js'

export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint'

/** How long a clean may hold the event loop before it lets other work run. */
const SLICE_MS = 1

export interface LogCleanerConfig {
  /** log.cleaner.enable */
  enable: boolean
  /** log.cleaner.threads: Brook cleans one log at a time; the dedupe buffer is divided as in Kafka. */
  threads: number
  /** log.cleaner.dedupe.buffer.size */
  dedupeBufferSize: number
  /** log.cleaner.io.buffer.load.factor */
  ioBufferLoadFactor: number
  /** log.cleaner.backoff.ms */
  backoffMs: number
  /** log.cleaner.io.buffer.size: split between the threads, then between reading and writing. */
  ioBufferSize: number
  /** log.cleaner.io.max.bytes.per.second */
  ioMaxBytesPerSecond: number
}

export const DEFAULT_CLEANER_CONFIG: Readonly<LogCleanerConfig> = Object.freeze({
  enable: true,
  threads: 1,
  dedupeBufferSize: 134217728,
  ioBufferLoadFactor: 0.9,
  backoffMs: 15000,
  ioBufferSize: 524288,
  ioMaxBytesPerSecond: Number.MAX_VALUE,
})

export interface LogCleanerOptions {
  /** Read at each round: the log.cleaner.* settings Kafka reconfigures at runtime apply to the next one. */
  config: () => LogCleanerConfig
  logDirs: readonly string[]
  logs: () => Iterable<PartitionLog>
  clock: Clock
  scheduler: Scheduler
  logger: Logger
}

export interface CleanSummary extends CleanResult {
  topic: string
  partition: number
  firstDirtyOffset: number
  firstUncleanableOffset: number
  ms: number
}

/**
 * Kafka's LogCleaner and LogCleanerManager gauges. Kafka takes the worst of its threads' last
 * cleans; Brook's one cleaning loop has one last clean.
 */
export interface LogCleanerGauges {
  /** Percent of the dedupe buffer (per thread) the last clean's keys filled. */
  maxBufferUtilizationPercent: number
  /** Bytes the last clean wrote per 100 bytes it read. */
  cleanerRecopyPercent: number
  maxCleanTimeSecs: number
  /** When the last clean began: how far the most overdue log was past max.compaction.lag.ms. */
  maxCompactionDelaySecs: number
  /** The highest dirty ratio, in percent, of the compacted logs at the last round. */
  maxDirtyPercent: number
  timeSinceLastRunMs: number
  /** Logs a failed clean left uncleanable, for every log dir. */
  uncleanablePartitions: ReadonlyMap<string, number>
}

/** Kafka's per-thread share of log.cleaner.dedupe.buffer.size (an int in Kafka). */
function dedupeBytesPerThread(c: LogCleanerConfig): number {
  return Math.min(Math.floor(c.dedupeBufferSize / Math.max(1, c.threads)), 2 ** 31 - 1)
}

export class LogCleaner {
  readonly #opts: LogCleanerOptions
  readonly #checkpoints = new Map<string, OffsetCheckpoint>()
  readonly #uncleanable = new Set<PartitionLog>()
  #map: OffsetMap | null = null
  /** One for all cleans, as Kafka's cleaner threads share theirs. */
  readonly #throttler: Throttler
  #current: { log: PartitionLog; done: Promise<unknown>; abort: boolean } | null = null
  #running: Promise<void> | null = null
  #rounds: Promise<unknown> = Promise.resolve()
  #wake: (() => void) | null = null
  #cancelWait: (() => void) | null = null
  #closed = false
  /** For gauges(): Kafka's lastStats and lastPreCleanStats (of the last clean), dirtiestLogCleanableRatio and timeOfLastRun (of the last round). */
  #lastClean = { bufferUtilization: 0, recopyRatio: 0, elapsedMs: 0, maxCompactionDelayMs: 0 }
  #dirtiestRatio = 0
  #timeOfLastRun: number

  private constructor(opts: LogCleanerOptions) {
    this.#opts = opts
    this.#timeOfLastRun = opts.clock.now()
    this.#throttler = new Throttler(() => opts.config().ioMaxBytesPerSecond)
  }

  /** Reads each log dir's checkpoint; `start` begins the background loop. */
  static async open(opts: LogCleanerOptions): Promise<LogCleaner> {
    const c = new LogCleaner(opts)
    for (const dir of opts.logDirs) {
      let entries: OffsetCheckpoint
      try {
        entries = await readOffsetCheckpoint(join(dir, CLEANER_OFFSET_CHECKPOINT))
      } catch (err) {
        opts.logger.warn({ dir, err }, 'ignoring an unreadable cleaner-offset-checkpoint: compacted logs are cleaned from their start')
        entries = new Map()
      }
      c.#checkpoints.set(dir, entries)
    }
    return c
  }

  start(): void {
    if (!this.#opts.config().enable || this.#running !== null) return
    this.#running = this.#loop()
  }

  async #loop(): Promise<void> {
    while (!this.#closed) {
      let cleaned: CleanSummary | null = null
      try {
        cleaned = await this.cleanFilthiestLog()
      } catch (err) {
        this.#opts.logger.error({ err }, 'log cleaner round failed')
      }
      if (cleaned === null && !this.#closed) await this.#backoff()
    }
  }

  #backoff(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve
      this.#cancelWait = this.#opts.scheduler.after(this.#opts.config().backoffMs, resolve)
    })
  }

  /**
   * The log.cleaner.* settings changed: as Kafka restarts its cleaner threads on a
   * reconfiguration, a wait in progress ends now and the next round reads the new settings.
   */
  reconfigured(): void {
    this.#cancelWait?.()
    this.#wake?.()
  }

  /** Kafka's cleaner gauges, read now; null when log.cleaner.enable is false (Kafka has no cleaner then). */
  gauges(): LogCleanerGauges | null {
    if (!this.#opts.config().enable) return null
    const uncleanable = new Map(this.#opts.logDirs.map((d) => [d, 0]))
    for (const log of this.#uncleanable) {
      const dir = dirname(log.dir)
      uncleanable.set(dir, (uncleanable.get(dir) ?? 0) + 1)
    }
    const last = this.#lastClean
    return {
      maxBufferUtilizationPercent: Math.trunc(100 * last.bufferUtilization),
      cleanerRecopyPercent: Math.trunc(100 * last.recopyRatio),
      maxCleanTimeSecs: Math.trunc(last.elapsedMs / 1000),
      maxCompactionDelaySecs: Math.trunc(last.maxCompactionDelayMs / 1000),
      maxDirtyPercent: Math.trunc(100 * this.#dirtiestRatio),
      timeSinceLastRunMs: Math.max(0, this.#opts.clock.now() - this.#timeOfLastRun),
      uncleanablePartitions: uncleanable,
    }
  }

  /** Where the last clean of `log` ended, if it was checkpointed. */
  checkpointed(log: PartitionLog): number | undefined {
    return this.#checkpoints.get(dirname(log.dir))?.get(partitionDirName(log.topic, log.partition))
  }

  /**
   * The key map, within log.cleaner.dedupe.buffer.size / threads as Kafka's. Kafka allocates it
   * whole at start; Brook sizes it to the records of the dirty range (the most keys it can
   * hold) and grows it when a larger clean comes, so a broker with small compacted logs does
   * not hold 128 MiB for them. Emptied in slices, with `pace` between.
   */
  async #offsetMap(keys: number, pace: () => Promise<void>): Promise<OffsetMap> {
    const c = this.#opts.config()
    const limit = dedupeBytesPerThread(c)
    const wanted = Math.min(limit, OffsetMap.bytesFor(Math.ceil(keys / c.ioBufferLoadFactor) + 1))
    if (this.#map === null || this.#map.memoryBytes < wanted) {
      this.#map = null
      this.#map = new OffsetMap(wanted)
    }
    await this.#map.clear(pace)
    return this.#map
  }

  /** One round: cleans the filthiest log, if any is due; null when none is. Rounds run one at a time. */
  cleanFilthiestLog(): Promise<CleanSummary | null> {
    const round = this.#rounds.then(() => this.#cleanFilthiestLog())
    this.#rounds = round.catch(() => {})
    return round
  }

  async #cleanFilthiestLog(): Promise<CleanSummary | null> {
    const now = this.#opts.clock.now()
    const candidates = [...this.#opts.logs()].filter((l) => !this.#uncleanable.has(l))
    const pre: PreCleanStats = { maxCompactionDelayMs: 0, maxCleanableRatio: 0 }
    const ltc = await filthiestLog(candidates, (l) => this.checkpointed(l), now, pre)
    this.#timeOfLastRun = now
    this.#dirtiestRatio = pre.maxCleanableRatio
    if (ltc === null || this.#closed) return null
    const { log } = ltc
    const started = Date.now()
    const config = this.#opts.config()
    this.#throttler.reset()
    const current = { log, done: Promise.resolve() as Promise<unknown>, abort: false }
    let sliceStart = performance.now()
    const pace = async (): Promise<void> => {
      if (current.abort || this.#closed) throw new CleaningAbortedError(`cleaning of ${log.topic}-${log.partition} aborted`)
      if (performance.now() - sliceStart < SLICE_MS) return
      await new Promise<void>((resolve) => setImmediate(resolve))
      sliceStart = performance.now()
    }
    const run = cleanLog(log, ltc.firstDirtyOffset, ltc.firstUncleanableOffset, {
      map: (keys) => this.#offsetMap(keys, pace),
      loadFactor: config.ioBufferLoadFactor,
      now,
      pace,
      throttle: (bytes) => this.#throttler.maybeThrottle(bytes),
      ioBufferBytes: Math.max(1024, Math.floor(config.ioBufferSize / Math.max(1, config.threads) / 2)),
    })
    current.done = run.catch(() => {})
    this.#current = current
    try {
      const result = await run
      // Nothing was mapped (the dirty range held no batch): no progress, so the loop backs off.
      if (result.endOffset <= ltc.firstDirtyOffset) return null
      await this.#updateCheckpoint(log, result.endOffset)
      const summary: CleanSummary = { ...result, topic: log.topic, partition: log.partition, firstDirtyOffset: ltc.firstDirtyOffset, firstUncleanableOffset: ltc.firstUncleanableOffset, ms: Date.now() - started }
      // Kafka's map always spans the whole per-thread buffer; Brook's may be smaller, so the share is of the buffer.
      const bufferSlots = Math.max(1, Math.floor(dedupeBytesPerThread(config) / OffsetMap.bytesFor(1)))
      this.#lastClean = {
        bufferUtilization: (this.#map?.size ?? 0) / bufferSlots,
        recopyRatio: result.stats.bytesRetained / Math.max(result.stats.bytesRead, 1),
        elapsedMs: summary.ms,
        maxCompactionDelayMs: pre.maxCompactionDelayMs,
      }
      this.#opts.logger.info(summary, 'cleaned log')
      return summary
    } catch (err) {
      // A segment deleted by retention under the clean: the next round starts over.
      if (err instanceof CleaningAbortedError || isNotFound(err)) {
        this.#opts.logger.info({ topic: log.topic, partition: log.partition, reason: (err as Error).message }, 'log cleaning aborted')
        return null
      }
      this.#uncleanable.add(log)
      this.#opts.logger.error({ err, topic: log.topic, partition: log.partition }, 'log cleaning failed: the log is not cleaned again until restart')
      return null
    } finally {
      this.#current = null
    }
  }

  async #updateCheckpoint(log: PartitionLog, offset: number): Promise<void> {
    const dir = dirname(log.dir)
    const entries = this.#checkpoints.get(dir) ?? new Map<string, number>()
    this.#checkpoints.set(dir, entries)
    entries.set(partitionDirName(log.topic, log.partition), offset)
    await this.#writeCheckpoint(dir)
  }

  async #writeCheckpoint(dir: string): Promise<void> {
    const live = new Set([...this.#opts.logs()].filter((l) => dirname(l.dir) === dir).map((l) => partitionDirName(l.topic, l.partition)))
    const entries = this.#checkpoints.get(dir) ?? new Map<string, number>()
    for (const name of entries.keys()) if (!live.has(name)) entries.delete(name)
    await writeOffsetCheckpoint(
      join(dir, CLEANER_OFFSET_CHECKPOINT),
      [...entries].map(([name, offset]) => {
        const dash = name.lastIndexOf('-')
        return { topic: name.slice(0, dash), partition: Number(name.slice(dash + 1)), offset }
      }),
    )
  }

  /** Stops a clean of `log` in progress and waits for it (the log is being deleted or truncated). */
  async abortCleaning(log: PartitionLog): Promise<void> {
    const current = this.#current
    if (current !== null && current.log === log) {
      current.abort = true
      await current.done
    }
  }

  /** Forgets a deleted log's checkpoint entry. */
  async removeLog(log: PartitionLog, logDir: string): Promise<void> {
    await this.abortCleaning(log)
    this.#uncleanable.delete(log)
    const entries = this.#checkpoints.get(logDir)
    if (entries?.delete(partitionDirName(log.topic, log.partition))) await this.#writeCheckpoint(logDir)
  }

  /** Stops the loop, aborting a clean in progress. */
  async close(): Promise<void> {
    this.#closed = true
    this.#cancelWait?.()
    this.#wake?.()
    await this.#current?.done
    await this.#running
    this.#map = null
  }
}
