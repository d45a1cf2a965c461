/**
 * Producer state snapshot files, `<20-digit offset>.snapshot` in the partition dir: the state of
 * every producer after the records below `offset` (Kafka's ProducerStateManager format, v1).
 * Big-endian:
 *
 *   int16  version (1)
 *   uint32 crc      CRC-32C of every byte after this field
 *   int32  entry count, then per producer (46 bytes):
 *     int64 producerId, int16 epoch, int32 lastSequence, int64 lastOffset (-1: no batch),
 *     int32 offsetDelta, int64 timestamp, int32 coordinatorEpoch,
 *     int64 currentTxnFirstOffset (-1: none)
 *
 * Only each producer's last batch is kept, as in Kafka: after a reload, a retry of an older
 * batch among the last five is no longer recognised as a duplicate.
 */
import { open, readFile, readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32c } from '../../protocol/primitives/crc32c.js'
import { readInt64, writeInt64 } from '../../protocol/records/batch-header.js'
import { fsyncDir, isNotFound } from '../file-io.js'
import { parseSegmentFileName, segmentFileName } from '../file-names.js'
import { ProducerStateEntry } from './producer-state-entry.js'

export const SNAPSHOT_SUFFIX = '.snapshot'
const VERSION = 1
const ENTRIES_OFFSET = 6
const ENTRY_SIZE = 46

export class CorruptSnapshotError extends Error {
  override name = 'CorruptSnapshotError'
}

export function snapshotPath(dir: string, offset: number): string {
  return join(dir, segmentFileName(offset, SNAPSHOT_SUFFIX))
}

export function encodeSnapshot(entries: Iterable<ProducerStateEntry>): Buffer {
  const list = [...entries]
  const buf = Buffer.alloc(ENTRIES_OFFSET + 4 + list.length * ENTRY_SIZE)
  buf.writeInt16BE(VERSION, 0)
  buf.writeInt32BE(list.length, ENTRIES_OFFSET)
  let p = ENTRIES_OFFSET + 4
  for (const e of list) {
    writeInt64(buf, p, e.producerId)
    buf.writeInt16BE(e.producerEpoch, p + 8)
    buf.writeInt32BE(e.lastSeq, p + 10)
    writeInt64(buf, p + 14, e.lastDataOffset)
    buf.writeInt32BE(e.lastOffsetDelta, p + 22)
    writeInt64(buf, p + 26, e.lastTimestamp)
    buf.writeInt32BE(e.coordinatorEpoch, p + 34)
    writeInt64(buf, p + 38, e.currentTxnFirstOffset)
    p += ENTRY_SIZE
  }
  buf.writeUInt32BE(crc32c(buf, ENTRIES_OFFSET, buf.length), 2)
  return buf
}

export function decodeSnapshot(buf: Buffer): ProducerStateEntry[] {
  if (buf.length < ENTRIES_OFFSET + 4) throw new CorruptSnapshotError(`snapshot of ${buf.length} bytes is too short`)
  const version = buf.readInt16BE(0)
  if (version !== VERSION) throw new CorruptSnapshotError(`Snapshot contained an unknown file version ${version}`)
  const crc = buf.readUInt32BE(2)
  const computed = crc32c(buf, ENTRIES_OFFSET, buf.length)
  if (crc !== computed) throw new CorruptSnapshotError(`Snapshot is corrupt (CRC is no longer valid). Stored crc: ${crc}. Computed crc: ${computed}`)
  const count = buf.readInt32BE(ENTRIES_OFFSET)
  if (count < 0 || buf.length !== ENTRIES_OFFSET + 4 + count * ENTRY_SIZE) throw new CorruptSnapshotError(`snapshot of ${buf.length} bytes cannot hold ${count} entries`)
  const entries: ProducerStateEntry[] = []
  for (let i = 0, p = ENTRIES_OFFSET + 4; i < count; i++, p += ENTRY_SIZE) {
    const lastOffset = readInt64(buf, p + 14)
    const timestamp = readInt64(buf, p + 26)
    const batches = lastOffset >= 0 ? [{ lastSeq: buf.readInt32BE(p + 10), lastOffset, offsetDelta: buf.readInt32BE(p + 22), timestamp }] : []
    entries.push(new ProducerStateEntry(readInt64(buf, p), buf.readInt16BE(p + 8), buf.readInt32BE(p + 34), timestamp, readInt64(buf, p + 38), batches))
  }
  return entries
}

/** Writes a snapshot durably: a temp file fsynced, renamed into place, the dir fsynced. */
export async function writeSnapshotFile(dir: string, offset: number, data: Buffer): Promise<void> {
  const path = snapshotPath(dir, offset)
  const tmp = `${path}.tmp`
  const fh = await open(tmp, 'w')
  try {
    await fh.writeFile(data)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, path)
  await fsyncDir(dir)
}

export async function readSnapshotFile(dir: string, offset: number): Promise<ProducerStateEntry[]> {
  return decodeSnapshot(await readFile(snapshotPath(dir, offset)))
}

/** The offsets of the snapshot files in `dir`, ascending. */
export async function listSnapshots(dir: string): Promise<number[]> {
  const offsets: number[] = []
  for (const name of await readdir(dir)) {
    const offset = parseSegmentFileName(name, SNAPSHOT_SUFFIX)
    if (offset !== null) offsets.push(offset)
    else if (name.endsWith(`${SNAPSHOT_SUFFIX}.tmp`)) await rm(join(dir, name), { force: true })
  }
  return offsets.sort((a, b) => a - b)
}

export async function deleteSnapshotFile(dir: string, offset: number): Promise<void> {
  try {
    await rm(snapshotPath(dir, offset))
  } catch (err) {
    if (!isNotFound(err)) throw err
  }
}
