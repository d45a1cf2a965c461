/**
 * Positioned writes, gathered per turn and written one of two ways.
 *
 * A small turn (at most `syncBytes` in all: one producer's append, a few small ones) with no
 * write in flight is written at once on the event loop, as Kafka's request threads write: a
 * page-cache write of a few KiB costs less than handing it to another thread and being woken
 * with its result, and on a virtual machine each of those wake-ups is a cross-CPU interrupt
 * (measured with one append of 16 KiB in flight: 1.6-2x a plain fs.write loop, against 0.8x
 * through the pool).
 *
 * At most SYNC_BYTES_PER_ITERATION are written so per event-loop iteration. Appends that follow
 * one another without I/O between them (100 partitions appending in turn) would otherwise all be
 * written on the event loop, one at a time, never yielding to other clients and leaving the
 * writer threads idle. A synchronous write slower than SLOW_SYNC_MS means the kernel held it
 * back (dirty-page throttling, a slow device): the event loop must not wait on the disk, so for
 * SYNC_PAUSE_MS every write goes to the threads. With writes in flight, their reports bring the
 * next writes in small groups: written on the event loop, those would run ahead of the others
 * (measured with 100 partitions: the last to finish a round 8-17 ms after the first, of ~45 ms).
 *
 * Other turns go to the native addon's write queue (native/write-queue.c): fs.writev makes one
 * pool request per write, each costing the main thread a request object, a pool wake-up and a
 * callback; the queue takes a job of writes in one call, and reports finished writes in groups.
 * A job leaves once it holds JOB_BYTES, so that the writers start on it while the turn's other
 * callbacks still run; the rest leaves when the turn ends. With no write in flight, a turn is
 * one callback and the promise jobs it sets off (a Produce request for 16 partitions makes 16),
 * flushed when it ends (process.nextTick). With writes in flight, the turn is the whole
 * event-loop iteration (setImmediate): the reports of the writes in flight, and the writes they
 * lead to, come as separate callbacks of one iteration. Without the addon, those writes go
 * through fs.writev (file-io.ts).
 */
import { getSystemErrorName } from 'node:util'
import { nativeAddon, type BrookAddon, type QueueWrites } from '../native-addon.js'
import { writevAll, writevAllSync } from './file-io.js'

export type WriteDone = (err: Error | null) => void

/** A job leaves for the queue once it holds this many bytes. */
const JOB_BYTES = 256 * 1024
/** Writer threads of the queue (libuv's pool has as many): on 2 CPUs, 3 to 6 measured alike with 100 partitions appending. */
const WRITER_THREADS = 4
/**
 * Finished writes per callback: a report of more comes in several. Each callback's promise jobs
 * run before the next callback (the addon calls through napi_make_callback), so the appends they
 * set off reach the queue while the rest of the report waits, instead of the writers running dry
 * while the whole report is acknowledged first (100 partitions appending: 90-95% of the plain
 * loop against 87% with one callback per report).
 */
const RESULT_SLOTS = 16
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
  /** Writer threads of the addon's queue (native/write-queue.c). */
  threads?: number
}

export type CreateWriteQueue = NonNullable<BrookAddon['createWriteQueue']>

interface Job {
  /** [id, fd, position, buffer count] per write, as the addon's queue takes them; ids are given when the job leaves. */
  writes: number[]
  buffers: Buffer[]
  dones: WriteDone[]
  bytes: number
}

export class WriteBatcher {
  readonly #queueWrites: QueueWrites | undefined
  readonly #syncBytes: number
  readonly #now: () => number
  /** Synchronous writes are off until then (one was slow). */
  #syncPausedUntil = -Infinity
  /** Bytes written synchronously in this event-loop iteration. */
  #syncedThisIteration = 0
  readonly #nextIteration = (): void => {
    this.#syncedThisIteration = 0
  }
  /** The job this turn's writes go into; sent once full, or when the turn ends. */
  #job: Job | undefined
  /** A flush is due at the end of this turn. */
  #turnOpen = false
  /** Writes handed to the queue (or fs.writev) and not yet complete. */
  #inFlight = 0
  /** Queued writes' callbacks by id; freed ids are reused, so that the array stays small. */
  readonly #dones: Array<WriteDone | undefined> = []
  readonly #freeIds: number[] = []
  /** Where the queue reports finished writes: [id, bytes written or -errno] pairs. */
  readonly #results = new Float64Array(2 * RESULT_SLOTS)

  /** `createQueue` undefined: writes that are not synchronous go through fs.writev (no addon, or a test of that path). */
  constructor(createQueue: CreateWriteQueue | undefined, opts: WriteBatcherOptions = {}) {
    this.#syncBytes = opts.syncBytes ?? SYNC_BYTES
    this.#now = opts.now ?? performance.now.bind(performance)
    this.#queueWrites = createQueue?.(this.#written, this.#results, opts.threads ?? WRITER_THREADS)
  }

  /** Writes all of `bufs` at `position` of `fd`, then calls `done` (never before this returns). */
  write(fd: number, bufs: readonly Buffer[], position: number, done: WriteDone): void {
    // With writes in flight, their completions (and the writes they lead to) come in this
    // iteration's I/O callbacks: wait for all of them. Else nothing else is coming; go at once.
    if (!this.#turnOpen) {
      this.#turnOpen = true
      if (this.#inFlight > 0) setImmediate(this.#flush)
      else process.nextTick(this.#flush)
    }
    const job = (this.#job ??= { writes: [], buffers: [], dones: [], bytes: 0 })
    job.writes.push(0, fd, position, bufs.length)
    for (const b of bufs) {
      job.buffers.push(b)
      job.bytes += b.length
    }
    job.dones.push(done)
    // A full job leaves now: the writers work on it while this turn's other callbacks run (and
    // the writes in flight keep the rest of the turn off the event loop).
    if (job.bytes >= JOB_BYTES) {
      this.#job = undefined
      this.#send(job)
    }
  }

  readonly #flush = (): void => {
    const job = this.#job
    this.#job = undefined
    this.#turnOpen = false
    if (job === undefined) return
    if (this.#maySync(job.bytes)) this.#writeSync(job)
    else this.#send(job)
  }

  /** Hands `job` to the addon's queue in one call, or (no addon) to fs.writev per write. */
  #send(job: Job): void {
    const dones = job.dones
    this.#inFlight += dones.length
    if (this.#queueWrites === undefined) {
      const written = (done: WriteDone) => (err: Error | null) => {
        this.#inFlight--
        done(err)
      }
      return eachWrite(job, (fd, bufs, position, done) => writevAll(fd, bufs, position, written(done)))
    }
    const { writes } = job
    for (let i = 0; i < dones.length; i++) {
      const id = this.#freeIds.pop() ?? this.#dones.length
      this.#dones[id] = dones[i]
      writes[i * 4] = id
    }
    try {
      this.#queueWrites(new Float64Array(writes), job.buffers)
    } catch (err) {
      for (let i = 0; i < dones.length; i++) this.#finish(writes[i * 4]!)
      // Called back later: `write` may be on the stack.
      process.nextTick(() => {
        this.#inFlight -= dones.length
        for (const done of dones) callDone(done, err as Error)
      })
    }
  }

  /** The queue's report: `count` writes finished, their ids and results in #results. */
  readonly #written = (count: number): void => {
    const results = this.#results
    for (let i = 0; i < count; i++) {
      const done = this.#finish(results[2 * i]!)
      const result = results[2 * i + 1]!
      this.#inFlight--
      callDone(done, result < 0 ? writeError(result) : null)
    }
  }

  /** Frees write `id`'s slot and returns its callback. */
  #finish(id: number): WriteDone {
    const done = this.#dones[id]!
    this.#dones[id] = undefined
    this.#freeIds.push(id)
    return done
  }

  /** Whether a turn of `bytes` is written on the event loop (see the header). */
  #maySync(bytes: number): boolean {
    return this.#inFlight === 0 && bytes <= this.#syncBytes && this.#syncedThisIteration < SYNC_BYTES_PER_ITERATION && this.#now() >= this.#syncPausedUntil
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
  if (dones.length === 1) return fn(writes[1]!, buffers, writes[2]!, dones[0]!)
  for (let i = 0, b = 0; i < dones.length; i++) {
    const count = writes[i * 4 + 3]!
    fn(writes[i * 4 + 1]!, buffers.slice(b, b + count), writes[i * 4 + 2]!, dones[i]!)
    b += count
  }
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

/** The process's batcher: through the addon's write queue when it was built. */
let shared: WriteBatcher | undefined

export function writeBatcher(): WriteBatcher {
  shared ??= new WriteBatcher(nativeAddon()?.createWriteQueue)
  return shared
}
