/**
 * `.lock` in a log dir, as Kafka names it. Kafka holds an OS file lock on it; Node has no flock,
 * so the file holds the owner's pid in ASCII and is created exclusively (O_EXCL). A lock naming a
 * process that no longer exists is stale and taken over. Locks held by this process are also
 * tracked in memory, so two brokers embedded in one process cannot share a dir either.
 */
import { readFile, realpath, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BrookError, BrookErrorCode } from '../brook-error.js'

const LOCK_FILE = '.lock'
const heldByThisProcess = new Set<string>()

export class DataDirLock {
  readonly #dir: string
  readonly #path: string
  #released = false

  private constructor(dir: string) {
    this.#dir = dir
    this.#path = join(dir, LOCK_FILE)
  }

  /** `dir` must exist. Throws BROOK_ERR_DATA_DIR_LOCKED when a live process holds it. */
  static async acquire(dir: string): Promise<DataDirLock> {
    const real = await realpath(dir)
    if (heldByThisProcess.has(real)) throw locked(dir, process.pid)
    const lock = new DataDirLock(real)
    if (!(await lock.#tryCreate())) {
      const owner = await lock.#readOwner()
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw locked(dir, owner)
      // Stale: its process is gone (or it is a previous run of ours with the same pid, as in a
      // restarted container). Two brokers racing for one stale lock: O_EXCL lets one win.
      await rm(lock.#path, { force: true })
      if (!(await lock.#tryCreate())) throw locked(dir, (await lock.#readOwner()) ?? 0)
    }
    heldByThisProcess.add(real)
    return lock
  }

  /** Removes the lock file if it is still ours. Safe to call twice. */
  async release(): Promise<void> {
    if (this.#released) return
    this.#released = true
    heldByThisProcess.delete(this.#dir)
    if ((await this.#readOwner()) === process.pid) await rm(this.#path, { force: true })
  }

  async #tryCreate(): Promise<boolean> {
    try {
      await writeFile(this.#path, `${process.pid}\n`, { flag: 'wx' })
      return true
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw err
    }
  }

  async #readOwner(): Promise<number | undefined> {
    try {
      const pid = Number.parseInt(await readFile(this.#path, 'utf8'), 10)
      return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
    } catch {
      return undefined
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function locked(dir: string, pid: number): BrookError {
  return new BrookError(
    BrookErrorCode.DATA_DIR_LOCKED,
    `Log dir ${dir} is in use by another broker (pid ${pid}, see ${join(dir, LOCK_FILE)}). ` +
      'Stop that broker or give this one another log.dirs.',
  )
}
