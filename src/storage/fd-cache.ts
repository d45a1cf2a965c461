/**
 * A bounded LRU of open segment file descriptors, shared by all partitions, so that open
 * files do not grow with the number of segments. A lease pins its fd until released; only
 * unpinned fds are closed when the cache is over its limit.
 */
import { closeFd, openFd } from './file-io.js'

interface Entry {
  fd: Promise<number>
  /** The fd once open: lets `acquire` skip a promise on the hot path. */
  ready: number
  refs: number
  /** Removed from the cache while pinned: close at the last release. */
  detached: boolean
}

export interface FdLease {
  readonly fd: number
  release(): void
}

export class FdCache {
  readonly #max: number
  /** Map order is recency order: oldest first. */
  readonly #entries = new Map<string, Entry>()
  /** The last entry in recency order: using it again needs no reordering (the common case, one partition busy). */
  #mostRecent: Entry | null = null
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
    if (this.#mostRecent !== entry) {
      this.#entries.delete(path)
      this.#entries.set(path, entry)
      this.#mostRecent = entry
    }
    entry.refs++
    return this.#lease(entry, entry.ready)
  }

  async #acquireSlow(path: string): Promise<FdLease> {
    let entry = this.#entries.get(path)
    if (entry === undefined) {
      entry = { fd: openFd(path, 'r+'), ready: -1, refs: 0, detached: false }
      this.#entries.set(path, entry)
      this.#mostRecent = entry
    }
    entry.refs++
    const e = entry
    let fd: number
    try {
      fd = await e.fd
    } catch (err) {
      e.refs--
      if (this.#entries.get(path) === e) this.#remove(path, e)
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
    this.#mostRecent = entry
  }

  /** Closes `path`'s fd now if unpinned (before a delete or truncate-by-path); a pinned one closes on release. */
  forget(path: string): void {
    const entry = this.#entries.get(path)
    if (entry === undefined) return
    this.#remove(path, entry)
    if (entry.refs === 0) this.#close(entry)
    else entry.detached = true
  }

  async closeAll(): Promise<void> {
    const all = [...this.#entries.values()]
    this.#entries.clear()
    this.#mostRecent = null
    for (const e of all) if (e.refs > 0) e.detached = true
    await Promise.all(all.filter((e) => e.refs === 0).map((e) => e.fd.then(closeFd).catch(this.#onCloseError)))
  }

  #evict(): void {
    if (this.#entries.size <= this.#max) return
    for (const [path, entry] of this.#entries) {
      if (this.#entries.size <= this.#max) break
      if (entry.refs > 0) continue
      this.#remove(path, entry)
      this.#close(entry)
    }
  }

  #remove(path: string, entry: Entry): void {
    this.#entries.delete(path)
    if (this.#mostRecent === entry) this.#mostRecent = null
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
