/**
 * A bounded cache of open segment file descriptors, shared by all partitions, so that open
 * files do not grow with the number of segments. A lease pins its fd until released; only
 * unpinned fds are closed when the cache is over its limit, least recently used first
 * (approximately: CLOCK's second chance, so that a use costs one flag, not a reordering).
 */
import { closeFd, openFd } from './file-io.js'

interface Entry {
  fd: Promise<number>
  /** The fd once open: lets `acquire` skip a promise on the hot path. */
  ready: number
  refs: number
  /** Removed from the cache while pinned: close at the last release. */
  detached: boolean
  /** Used since the eviction sweep last passed it. */
  used: boolean
}

export interface FdLease {
  readonly fd: number
  release(): void
}

export class FdCache {
  readonly #max: number
  /** Map order is the sweep order: an entry that was used moves to the end when the sweep passes it. */
  readonly #entries = new Map<string, Entry>()
  readonly #onCloseError: (err: unknown) => void

  constructor(maxOpen: number, onCloseError: (err: unknown) => void) {
    this.#max = Math.max(1, maxOpen)
    this.#onCloseError = onCloseError
  }

  get openCount(): number {
    return this.#entries.size
  }

  /** Opens (or reuses) `path` read-write. */
  async acquire(path: string): Promise<FdLease> {
    return this.acquireOpen(path) ?? this.#acquireSlow(path)
  }

  /** A lease on `path` if its fd is already open, without waiting; else null. */
  acquireOpen(path: string): FdLease | null {
    const entry = this.#entries.get(path)
    if (entry === undefined || entry.ready < 0) return null
    entry.used = true
    entry.refs++
    return this.#lease(entry, entry.ready)
  }

  async #acquireSlow(path: string): Promise<FdLease> {
    let entry = this.#entries.get(path)
    if (entry === undefined) {
      entry = { fd: openFd(path, 'r+'), ready: -1, refs: 0, detached: false, used: true }
      this.#entries.set(path, entry)
    }
    entry.refs++
    const e = entry
    let fd: number
    try {
      fd = await e.fd
    } catch (err) {
      e.refs--
      if (this.#entries.get(path) === e) this.#entries.delete(path)
      throw err
    }
    e.ready = fd
    this.#evict()
    return this.#lease(e, fd)
  }

  #lease(e: Entry, fd: number): FdLease {
    return new Lease(this.#unpin, e, fd)
  }

  /** Called once per lease when it is released; one function for the cache, not one per lease. */
  readonly #unpin = (e: Entry): void => {
    e.refs--
    if (e.detached) {
      if (e.refs === 0) this.#close(e)
    } else this.#evict()
  }

  /** Keeps an open fd under a file's new name after a rename. */
  rename(from: string, to: string): void {
    const entry = this.#entries.get(from)
    if (entry === undefined) return
    this.#entries.delete(from)
    this.#entries.set(to, entry)
  }

  /** Closes `path`'s fd now if unpinned (before a delete or truncate-by-path); a pinned one closes on release. */
  forget(path: string): void {
    const entry = this.#entries.get(path)
    if (entry === undefined) return
    this.#entries.delete(path)
    if (entry.refs === 0) this.#close(entry)
    else entry.detached = true
  }

  async closeAll(): Promise<void> {
    const all = [...this.#entries.values()]
    this.#entries.clear()
    for (const e of all) if (e.refs > 0) e.detached = true
    await Promise.all(all.filter((e) => e.refs === 0).map((e) => e.fd.then(closeFd).catch(this.#onCloseError)))
  }

  #evict(): void {
    // Called on every release: under the limit, return before the loop makes an iterator.
    if (this.#entries.size <= this.#max) return
    // Two passes at most: the first may only clear `used` flags; pinned entries are skipped.
    let budget = 2 * this.#entries.size
    for (const [path, entry] of this.#entries) {
      if (this.#entries.size <= this.#max || budget-- <= 0) break
      if (entry.refs > 0) continue
      if (entry.used) {
        entry.used = false
        this.#entries.delete(path)
        this.#entries.set(path, entry)
        continue
      }
      this.#entries.delete(path)
      this.#close(entry)
    }
  }

  #close(entry: Entry): void {
    entry.fd.then(closeFd).catch(this.#onCloseError)
  }
}

/** A class rather than a closure: one is made for every read and write. */
class Lease implements FdLease {
  readonly fd: number
  readonly #unpin: (e: Entry) => void
  #entry: Entry | null

  constructor(unpin: (e: Entry) => void, entry: Entry, fd: number) {
    this.#unpin = unpin
    this.#entry = entry
    this.fd = fd
  }

  release(): void {
    const e = this.#entry
    if (e === null) return
    this.#entry = null
    this.#unpin(e)
  }
}
