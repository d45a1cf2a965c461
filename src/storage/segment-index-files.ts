/** Reading and writing a segment's two index files whole (formats in offset-index.ts and time-index.ts). */
import { open, readFile } from 'node:fs/promises'
import { isNotFound } from './file-io.js'
import { OFFSET_ENTRY_SIZE, OffsetIndex } from './offset-index.js'
import { TIME_ENTRY_SIZE, TimeIndex } from './time-index.js'

export interface Indexes {
  offsets: OffsetIndex
  times: TimeIndex
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path)
  } catch (err) {
    if (isNotFound(err)) return null
    throw err
  }
}

/** The indexes in the files, or a description of why they cannot be used. */
export async function readIndexFiles(indexPath: string, timePath: string, baseOffset: number, maxBytes: number): Promise<Indexes | string> {
  const [o, t] = await Promise.all([readOrNull(indexPath), readOrNull(timePath)])
  if (o === null || t === null) return `${o === null ? indexPath : timePath} is missing`
  if (o.length % OFFSET_ENTRY_SIZE !== 0) return `${indexPath} has a torn entry (${o.length} bytes)`
  if (t.length % TIME_ENTRY_SIZE !== 0) return `${timePath} has a torn entry (${t.length} bytes)`
  return { offsets: new OffsetIndex(baseOffset, maxBytes, o), times: new TimeIndex(baseOffset, maxBytes, t) }
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
