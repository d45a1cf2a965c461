/**
 * I/O on a segment's `.log` file: fd leases, writes at its end, and index rebuilds kept apart
 * from writes. The log allows one write at a time; a rebuild waits for the write in flight, and
 * a write that meets a running rebuild is retried once it ends (a rebuild may cut the file the
 * write would extend). Concurrent rebuilds share one.
 */
import type { FdCache, FdLease } from './fd-cache.js'
import { truncateFd } from './file-io.js'
import type { WriteBatcher } from './write-batcher.js'

export class SegmentLogFile<R> {
  readonly #fds: FdCache
  readonly #writes: WriteBatcher
  /** Read at each use: the path changes when the segment is retired, the size as writes commit. */
  readonly #path: () => string
  readonly #size: () => number
  /** A write is in flight (the log allows one at a time); a rebuild waits for it to end. */
  #writing = false
  readonly #afterWrite: Array<() => void> = []
  /** An index rebuild in progress: writes and other rebuilds wait for it. */
  #rebuilding: Promise<R> | null = null

  constructor(fds: FdCache, writes: WriteBatcher, path: () => string, size: () => number) {
    this.#fds = fds
    this.#writes = writes
    this.#path = path
    this.#size = size
  }

  async withFd<T>(fn: (fd: number) => Promise<T>): Promise<T> {
    const lease = this.#fds.acquireOpen(this.#path()) ?? (await this.#fds.acquire(this.#path()))
    try {
      return await fn(lease.fd)
    } finally {
      lease.release()
    }
  }

  /** Runs `rebuild` once no write is in flight and no other rebuild runs; concurrent callers share the running one. */
  async rebuild(rebuild: () => Promise<R>): Promise<R> {
    while (this.#writing) await new Promise<void>((resolve) => this.#afterWrite.push(resolve))
    this.#rebuilding ??= rebuild().finally(() => (this.#rebuilding = null))
    return this.#rebuilding
  }

  /** Writes `bufs` at the committed size in one system call; `done` gets the position it started at (LogSegment.write). */
  write(bufs: Buffer[], done: (err: Error | null, position: number) => void): void {
    const lease = this.#fds.acquireOpen(this.#path())
    if (lease !== null) this.#writeWith(lease, bufs, done)
    else this.#fds.acquire(this.#path()).then((opened) => this.#writeWith(opened, bufs, done), (err: Error) => done(err, 0))
  }

  #writeWith(lease: FdLease, bufs: Buffer[], done: (err: Error | null, position: number) => void): void {
    if (this.#rebuilding !== null) {
      lease.release()
      const retry = (): void => this.write(bufs, done)
      this.#rebuilding.then(retry, retry)
      return
    }
    const start = this.#size()
    this.#writing = true
    this.#writes.write(lease.fd, bufs, start, (err) => {
      if (err === null) return this.#wrote(lease, null, start, done)
      // A failed write may have left part of its bytes: cut them so the next write starts clean.
      truncateFd(lease.fd, start)
        .catch(() => {})
        .finally(() => this.#wrote(lease, err, start, done))
    })
  }

  #wrote(lease: FdLease, err: Error | null, start: number, done: (err: Error | null, position: number) => void): void {
    this.#writing = false
    lease.release()
    if (this.#afterWrite.length > 0) for (const wake of this.#afterWrite.splice(0)) wake()
    done(err, start)
  }
}
