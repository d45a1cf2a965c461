/**
 * fsync for one partition log, and the recovery point it moves: offsets below it are on disk,
 * so recovery after a crash scans from its segment on. Flushes run one after another, each
 * fsyncing the segments that hold unflushed offsets below its target, then the directory.
 */
import type { Clock } from './clock.js'
import { fsyncDir } from './file-io.js'
import type { LogSegment } from './log-segment.js'

export class LogFlusher {
  readonly #dir: string
  /** Read when a flush runs: rolls and deletions replace the list meanwhile. */
  readonly #segments: () => readonly LogSegment[]
  readonly #clock: Clock
  #recoveryPoint: number
  #lastFlushTime: number
  #flushing: Promise<void> = Promise.resolve()

  constructor(dir: string, segments: () => readonly LogSegment[], clock: Clock, recoveryPoint: number) {
    this.#dir = dir
    this.#segments = segments
    this.#clock = clock
    this.#recoveryPoint = recoveryPoint
    this.#lastFlushTime = clock.now()
  }

  get recoveryPoint(): number {
    return this.#recoveryPoint
  }

  /** flush.ms: offsets below `logEndOffset` are not all fsynced, and the last flush was `flushMs` or longer ago. */
  isDue(logEndOffset: number, now: number, flushMs: number): boolean {
    return logEndOffset > this.#recoveryPoint && now - this.#lastFlushTime >= flushMs
  }

  /** fsyncs everything below `offset` (after the flushes before it) and moves the recovery point there. */
  flushUpTo(offset: number): Promise<void> {
    const run = async (): Promise<void> => {
      if (offset <= this.#recoveryPoint) return
      for (const s of this.#segments()) if (s.endOffset > this.#recoveryPoint && s.baseOffset < offset) await s.flush()
      await fsyncDir(this.#dir)
      this.#recoveryPoint = Math.max(this.#recoveryPoint, offset)
      this.#lastFlushTime = this.#clock.now()
    }
    this.#flushing = this.#flushing.then(run, run)
    return this.#flushing
  }
}
