/**
 * A segment's files as a whole: creating them, reading and writing the two index files whole
 * (formats in offset-index.ts and time-index.ts), renaming them for deletion and removing them.
 */
import { open, readFile, rename, rm } from 'node:fs/promises'
import type { FdCache } from './fd-cache.js'
import { isNotFound } from './file-io.js'
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX } from './file-names.js'
import { OFFSET_ENTRY_SIZE, OffsetIndex } from './offset-index.js'
import { TIME_ENTRY_SIZE, TimeIndex } from './time-index.js'
import { TXN_INDEX_SUFFIX } from './transaction-index.js'

export interface Indexes {
  offsets: OffsetIndex
  times: TimeIndex
}

export function emptyIndexes(baseOffset: number, maxBytes: number): Indexes {
  return { offsets: new OffsetIndex(baseOffset, maxBytes), times: new TimeIndex(baseOffset, maxBytes) }
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path)
  } catch (err) {
    if (isNotFound(err)) return null
    throw err
  }
}

/**
 * The indexes in the files, or why they cannot serve a segment of `logSize` bytes whose offsets
 * end before `endOffset`: missing, torn, or not consistent with it.
 */
export async function readIndexFiles(
  indexPath: string,
  timePath: string,
  baseOffset: number,
  maxBytes: number,
  logSize: number,
  endOffset: number,
): Promise<Indexes | string> {
  const [o, t] = await Promise.all([readOrNull(indexPath), readOrNull(timePath)])
  if (o === null || t === null) return `${o === null ? indexPath : timePath} is missing`
  if (o.length % OFFSET_ENTRY_SIZE !== 0) return `${indexPath} has a torn entry (${o.length} bytes)`
  if (t.length % TIME_ENTRY_SIZE !== 0) return `${timePath} has a torn entry (${t.length} bytes)`
  const idx = { offsets: new OffsetIndex(baseOffset, maxBytes, o), times: new TimeIndex(baseOffset, maxBytes, t) }
  return idx.offsets.problem(logSize, endOffset) ?? idx.times.problem(endOffset) ?? idx
}

async function writeSynced(path: string, data: Buffer, flags: string): Promise<void> {
  const fh = await open(path, flags)
  try {
    await fh.writeFile(data)
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/** Replaces both index files with the in-memory entries, fsynced. */
export async function writeIndexFiles(indexPath: string, timePath: string, idx: Indexes): Promise<void> {
  await Promise.all([writeSynced(indexPath, idx.offsets.toBuffer(), 'w'), writeSynced(timePath, idx.times.toBuffer(), 'w')])
}

/** Creates a new segment's three empty files; the log file must not exist yet. */
export async function createSegmentFiles(logPath: string, indexPath: string, timePath: string): Promise<void> {
  await (await open(logPath, 'wx')).close()
  await Promise.all([(await open(indexPath, 'w')).close(), (await open(timePath, 'w')).close()])
}

/** The aborted-transaction index (transaction-index.ts) goes with its segment: renamed, deleted. */
export const SEGMENT_SUFFIXES = [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX] as const

/** Renames each file of `from` to `to` (a missing index file is no error), keeping open fds under the new names. */
export async function renameSegmentFiles(fds: FdCache, from: readonly string[], to: readonly string[]): Promise<void> {
  for (const [i, path] of from.entries()) {
    try {
      await rename(path, to[i]!)
    } catch (err) {
      if (!isNotFound(err)) throw err
    }
    fds.rename(path, to[i]!)
  }
}

export async function removeSegmentFiles(fds: FdCache, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    fds.forget(path)
    await rm(path, { force: true })
  }
}
