/**
 * Promise wrappers over node:fs's fd calls (cheaper than FileHandle on the hot path), with
 * loops for short reads and writes.
 */
import * as fs from 'node:fs'

export function openFd(path: string, flags: string): Promise<number> {
  return new Promise((resolve, reject) => fs.open(path, flags, 0o644, (err, fd) => (err ? reject(err) : resolve(fd))))
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve())))
}

function readOnce(fd: number, buf: Buffer, off: number, len: number, position: number): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.read(fd, buf, off, len, position, (err, n) => (err ? reject(err) : resolve(n))),
  )
}

/** Reads up to `len` bytes at `position` into buf[off..]; fewer only at end of file. */
export async function readAt(fd: number, buf: Buffer, off: number, len: number, position: number): Promise<number> {
  let done = 0
  while (done < len) {
    const n = await readOnce(fd, buf, off + done, len - done, position + done)
    if (n === 0) break
    done += n
  }
  return done
}

/**
 * readAt without the thread pool, for bytes the page cache surely holds (the tail just
 * written): a pread of a few KiB costs less than the hand-off to a pool thread and back, and
 * on a busy machine each hand-off can wait for a time slice.
 */
export function readAtSync(fd: number, buf: Buffer, off: number, len: number, position: number): number {
  let done = 0
  while (done < len) {
    const n = fs.readSync(fd, buf, off + done, len - done, position + done)
    if (n === 0) break
    done += n
  }
  return done
}

/**
 * Writes all of `bufs` at `position`: one system call unless the kernel writes short. Callback
 * form, for the append path, where a promise per layer is measurable.
 */
export function writevAll(fd: number, bufs: readonly Buffer[], position: number, done: (err: Error | null) => void): void {
  const total = byteLength(bufs)
  fs.writev(fd, bufs, position, (err, n) => {
    if (err) done(err)
    else if (n === total) done(null)
    else writevAll(fd, skipBytes(bufs, n), position + n, done)
  })
}

/** writevAll on the calling thread, for writes too small to be worth a pool thread (write-batcher.ts). */
export function writevAllSync(fd: number, bufs: readonly Buffer[], position: number): void {
  const total = byteLength(bufs)
  for (let rest = bufs, done = 0; done < total; ) {
    const n = fs.writevSync(fd, rest as Buffer[], position + done)
    // Looping on a write that makes no progress would hold the event loop for good.
    if (n === 0) throw new Error(`write at ${position + done} made no progress`)
    done += n
    if (done < total) rest = skipBytes(rest, n)
  }
}

function byteLength(bufs: readonly Buffer[]): number {
  let total = 0
  for (const b of bufs) total += b.length
  return total
}

/** `bufs` without their first `n` bytes. */
function skipBytes(bufs: readonly Buffer[], n: number): Buffer[] {
  const rest: Buffer[] = []
  for (const b of bufs) {
    if (n >= b.length) n -= b.length
    else {
      rest.push(n > 0 ? b.subarray(n) : b)
      n = 0
    }
  }
  return rest
}

export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())))
}

export function truncateFd(fd: number, length: number): Promise<void> {
  return new Promise((resolve, reject) => fs.ftruncate(fd, length, (err) => (err ? reject(err) : resolve())))
}

/** fsyncs a directory so that renames and new files in it survive a crash. */
export async function fsyncDir(path: string): Promise<void> {
  const fd = await openFd(path, 'r')
  try {
    await fsyncFd(fd)
  } finally {
    await closeFd(fd)
  }
}

export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT'
}
