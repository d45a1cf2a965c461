/**
 * A bounded LRU of open segment file descriptors, shared by all partitions, so that open
 * files do not grow with the number of segments. A lease pins its fd until released; only
 * unpinned fds are closed when the cache is over its limit.
 */
import { closeFd, openFd } from './file-io.js'

interface Entry {
  fd: Promise<number>
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
    let entry = this.#entries.get(path)
    if (entry === undefined) {
      entry = { fd: openFd(path, 'r+'), refs: 0, detached: false }
      this.#entries.set(path, entry)
    } else {
      this.#entries.delete(path)
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
    this.#evict()
    let released = false
    return {
      fd,
      release: () => {
        if (released) return
        released = true
        e.refs--
        if (e.detached) {
          if (e.refs === 0) this.#close(e)
        } else this.#evict()
      },
    }
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
    if (this.#entries.size <= this.#max) return
    for (const [path, entry] of this.#entries) {
      if (this.#entries.size <= this.#max) break
      if (entry.refs > 0) continue
      this.#entries.delete(path)
      this.#close(entry)
    }
  }

  #close(entry: Entry): void {
    entry.fd.then(closeFd).catch(this.#onCloseError)
  }
}
