/**
 * Positioned writes gathered into thread-pool jobs of the native addon's writeBatch. fs.writev
 * makes one job per write, each costing the main thread a request object, a pool wake-up and a
 * callback; a job of up to JOB_BYTES pays that once.
 *
 * What is gathered: with no write in flight, the writes of one turn, that is one callback and
 * the promise jobs it sets off (a Produce request for 16 partitions makes 16), flushed when it
 * ends (process.nextTick). With writes in flight, those of the whole event-loop iteration
 * (setImmediate): the completions of the writes in flight, and the writes they lead to, come as
 * separate callbacks of one iteration (100 partitions appending each in turn: ~250 jobs for
 * 4,000 writes). A flush of a single write, and every write when the addon was not built, go
 * through fs.writev (file-io.ts).
 */
import { getSystemErrorName } from 'node:util'
import { nativeAddon, type BrookAddon } from '../native-addon.js'
import { writevAll } from './file-io.js'

export type WriteDone = (err: Error | null) => void

/** A job closes once it holds this many bytes: big groups still spread over several pool threads. */
const JOB_BYTES = 256 * 1024

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
  /** This turn's writes; the last job is open, the others are full. */
  #jobs: Job[] = []
  /** Writes handed to the pool and not yet complete. */
  #inFlight = 0

  /** `writeBatch` undefined: every write goes through fs.writev (no addon, or a test of that path). */
  constructor(writeBatch: WriteBatch | undefined) {
    this.#writeBatch = writeBatch
  }

  /** Writes all of `bufs` at `position` of `fd`, then calls `done`. */
  write(fd: number, bufs: readonly Buffer[], position: number, done: WriteDone): void {
    if (this.#writeBatch === undefined) return writevAll(fd, bufs, position, done)
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
    for (const { dones } of jobs) this.#inFlight += dones.length
    // A turn with one write: fs.writev costs less than a job of one.
    if (jobs.length === 1 && jobs[0]!.dones.length === 1) {
      const { writes, buffers, dones } = jobs[0]!
      return writevAll(writes[0]!, buffers, writes[1]!, (err) => {
        this.#inFlight--
        dones[0]!(err)
      })
    }
    for (const { writes, buffers, dones } of jobs) {
      try {
        this.#writeBatch!(new Float64Array(writes), buffers, (results) => {
          this.#inFlight -= dones.length
          settle(dones, results)
        })
      } catch (err) {
        this.#inFlight -= dones.length
        for (const done of dones) done(err as Error)
      }
    }
  }
}

/** Calls every write's `done`; one that throws does not keep the others from theirs. */
function settle(dones: WriteDone[], results: Float64Array | undefined): void {
  for (let i = 0; i < dones.length; i++) {
    try {
      dones[i]!(results !== undefined && results[i]! < 0 ? writeError(results[i]!) : null)
    } catch (err) {
      queueMicrotask(() => {
        throw err
      })
    }
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
