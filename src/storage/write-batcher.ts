/**
 * Positioned writes, gathered per turn and written one of two ways.
 *
 * A small turn (at most `syncBytes` in all: one producer's append, a few small ones) is written
 * at once on the event loop, as Kafka's request threads write: a page-cache write of a few KiB
 * costs less than handing it to a pool thread and being woken with its result, and on a virtual
 * machine each of those wake-ups is a cross-CPU interrupt (measured with one append of 16 KiB in
 * flight: 1.6-2x a plain fs.write loop, against 0.8x through the pool).
 *
 * At most SYNC_BYTES_PER_ITERATION are written so per event-loop iteration. Appends that follow
 * one another without I/O between them (100 partitions appending in turn) would otherwise all be
 * written on the event loop, one at a time, never yielding to other clients and leaving the pool
 * idle. A synchronous write slower than SLOW_SYNC_MS means the kernel held it back (dirty-page
 * throttling, a slow device): the event loop must not wait on the disk, so for SYNC_PAUSE_MS
 * every write goes to the pool.
 *
 * Bigger turns go to the thread pool, in jobs of the native addon's writeBatch. fs.writev makes
 * one job per write, each costing the main thread a request object, a pool wake-up and a
 * callback; a job of up to JOB_BYTES pays that once. With no write in flight, a turn is one
 * callback and the promise jobs it sets off (a Produce request for 16 partitions makes 16),
 * flushed when it ends (process.nextTick). With writes in flight, the turn is the whole
 * event-loop iteration (setImmediate): the completions of the writes in flight, and the writes
 * they lead to, come as separate callbacks of one iteration (100 partitions appending each in
 * turn: ~250 jobs for 4,000 writes). A flush of a single write, and every write when the addon
 * was not built, go through fs.writev (file-io.ts).
 */
import { getSystemErrorName } from 'node:util'
import { nativeAddon, type BrookAddon } from '../native-addon.js'
import { writevAll, writevAllSync } from './file-io.js'

export type WriteDone = (err: Error | null) => void

/** A job closes once it holds this many bytes: big groups still spread over several pool threads. */
const JOB_BYTES = 256 * 1024
/** Turns of at most this many bytes are written synchronously (while that stays fast). */
const SYNC_BYTES = 64 * 1024
/** Synchronous writes per event-loop iteration stop after this many bytes (about half a millisecond of copying). */
const SYNC_BYTES_PER_ITERATION = 256 * 1024
/** A page-cache copy of SYNC_BYTES takes well under a millisecond; a write this slow waited on the disk. */
const SLOW_SYNC_MS = 10
const SYNC_PAUSE_MS = 5_000

export interface WriteBatcherOptions {
  /** Turns of at most this many bytes are written on the event loop; 0: never. */
  syncBytes?: number
  /** Milliseconds, for timing synchronous writes. */
  now?: () => number
}

type WriteBatch = NonNullable<BrookAddon['writeBatch']>

interface Job {
  /** [fd, position, buffer count] per write. */
  writes: number[]
  buffers: Buffer[]
  dones: WriteDone[]
  bytes: number
}

export class WriteBatcher {
  readonly #writeBatch: WriteBatch | undefined
  readonly #syncBytes: number
  readonly #now: () => number
  /** Synchronous writes are off until then (one was slow). */
  #syncPausedUntil = -Infinity
  /** Bytes written synchronously in this event-loop iteration. */
  #syncedThisIteration = 0
  readonly #nextIteration = (): void => {
    this.#syncedThisIteration = 0
  }
  /** This turn's writes; the last job is open, the others are full. */
  #jobs: Job[] = []
  /** Writes handed to the pool and not yet complete. */
  #inFlight = 0

  /** `writeBatch` undefined: every pool write goes through fs.writev (no addon, or a test of that path). */
  constructor(writeBatch: WriteBatch | undefined, opts: WriteBatcherOptions = {}) {
    this.#writeBatch = writeBatch
    this.#syncBytes = opts.syncBytes ?? SYNC_BYTES
    this.#now = opts.now ?? performance.now.bind(performance)
  }

  /** Writes all of `bufs` at `position` of `fd`, then calls `done` (never before this returns). */
  write(fd: number, bufs: readonly Buffer[], position: number, done: WriteDone): void {
    // With writes in flight, their completions (and the writes they lead to) come in this
    // iteration's I/O callbacks: wait for all of them. Else nothing else is coming; go at once.
    if (this.#jobs.length === 0) {
      if (this.#inFlight > 0) setImmediate(this.#flush)
      else process.nextTick(this.#flush)
    }
    let job = this.#jobs.at(-1)
    if (job === undefined || job.bytes >= JOB_BYTES) {
      job = { writes: [], buffers: [], dones: [], bytes: 0 }
      this.#jobs.push(job)
    }
    job.writes.push(fd, position, bufs.length)
    for (const b of bufs) {
      job.buffers.push(b)
      job.bytes += b.length
    }
    job.dones.push(done)
  }

  readonly #flush = (): void => {
    const jobs = this.#jobs
    this.#jobs = []
    if (jobs.length === 1 && this.#maySync(jobs[0]!.bytes)) return this.#writeSync(jobs[0]!)
    for (const { dones } of jobs) this.#inFlight += dones.length
    // fs.writev costs less than a job of one.
    if (this.#writeBatch === undefined || (jobs.length === 1 && jobs[0]!.dones.length === 1)) {
      const written = (done: WriteDone) => (err: Error | null) => {
        this.#inFlight--
        done(err)
      }
      for (const job of jobs) eachWrite(job, (fd, bufs, position, done) => writevAll(fd, bufs, position, written(done)))
      return
    }
    for (const { writes, buffers, dones } of jobs) {
      try {
        this.#writeBatch!(new Float64Array(writes), buffers, (results) => {
          this.#inFlight -= dones.length
          settle(dones, results)
        })
      } catch (err) {
        this.#inFlight -= dones.length
        for (const done of dones) callDone(done, err as Error)
      }
    }
  }

  /** Whether a turn of `bytes` is written on the event loop (see the header). */
  #maySync(bytes: number): boolean {
    return bytes <= this.#syncBytes && this.#syncedThisIteration < SYNC_BYTES_PER_ITERATION && this.#now() >= this.#syncPausedUntil
  }

  /** Writes a small turn on the event loop; a slow one pauses synchronous writes. */
  #writeSync(job: Job): void {
    if (this.#syncedThisIteration === 0) setImmediate(this.#nextIteration)
    this.#syncedThisIteration += job.bytes
    const started = this.#now()
    const results: Array<[WriteDone, Error | null]> = []
    eachWrite(job, (fd, bufs, position, done) => {
      try {
        writevAllSync(fd, bufs, position)
        results.push([done, null])
      } catch (err) {
        results.push([done, err as Error])
      }
    })
    const now = this.#now()
    if (now - started > SLOW_SYNC_MS) this.#syncPausedUntil = now + SYNC_PAUSE_MS
    for (const [done, err] of results) callDone(done, err)
  }
}

/** Calls `fn` with each write of `job`. */
function eachWrite(job: Job, fn: (fd: number, bufs: Buffer[], position: number, done: WriteDone) => void): void {
  const { writes, buffers, dones } = job
  if (dones.length === 1) return fn(writes[0]!, buffers, writes[1]!, dones[0]!)
  for (let i = 0, b = 0; i < dones.length; i++) {
    const count = writes[i * 3 + 2]!
    fn(writes[i * 3]!, buffers.slice(b, b + count), writes[i * 3 + 1]!, dones[i]!)
    b += count
  }
}

/** Calls every write's `done`; one that throws does not keep the others from theirs. */
function settle(dones: WriteDone[], results: Float64Array | undefined): void {
  for (let i = 0; i < dones.length; i++) callDone(dones[i]!, results !== undefined && results[i]! < 0 ? writeError(results[i]!) : null)
}

/** A `done` that throws is reported as uncaught, after the other writes' callbacks have run. */
function callDone(done: WriteDone, err: Error | null): void {
  try {
    done(err)
  } catch (thrown) {
    queueMicrotask(() => {
      throw thrown
    })
  }
}

/** An error shaped like node:fs's, from a negative errno as libuv gives them. */
function writeError(errno: number): NodeJS.ErrnoException {
  const code = getSystemErrorName(errno)
  return Object.assign(new Error(`${code}: write failed`), { errno, code, syscall: 'write' })
}

/** The process's batcher: the addon's writeBatch when it was built. */
let shared: WriteBatcher | undefined

export function writeBatcher(): WriteBatcher {
  shared ??= new WriteBatcher(nativeAddon()?.writeBatch)
  return shared
}
