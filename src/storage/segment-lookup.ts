/**
 * The read paths of a segment, over an open fd and its indexes: offset → file position,
 * reading whole batches up to a byte limit, and timestamp → offset. Every index entry used is
 * checked against the batch it points at; a mismatch (a corrupt index, or a stale position
 * hint) throws IndexMismatchError so the segment can rebuild its indexes, never serve garbage.
 */
import type { CompressionType } from '../protocol/records/attributes.js'
import { BATCH, BatchHeader, MAGIC_V2, MIN_BATCH_LENGTH, readInt64 } from '../protocol/records/batch-header.js'
import { readRecords } from '../protocol/records/record-reader.js'
import { TimestampType } from '../protocol/records/attributes.js'
import { BatchCursor } from './batch-cursor.js'
import { readAt, readAtSync } from './file-io.js'
import type { Indexes } from './segment-files.js'
import type { OffsetIndex } from './offset-index.js'
import type { ReadBuffers } from './partition-log-types.js'
import type { TimestampOffset } from './time-index.js'

/** Decompresses a batch's records region (the codecs live in protocol/records/compression). */
export type Decompress = (compression: CompressionType, data: Buffer) => Buffer | Promise<Buffer>

export interface BatchLocation {
  position: number
  size: number
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
}

/** An index entry or position hint does not point at a batch boundary consistent with its offset. */
export class IndexMismatchError extends Error {}

const LOOKUP_CHUNK = 16 * 1024
const EMPTY = Buffer.alloc(0)

/** Visits batch headers from `position` (below `end`) until `visit` returns true. */
export async function scanHeaders(
  fd: number,
  position: number,
  end: number,
  visit: (h: BatchHeader, position: number, size: number) => boolean,
): Promise<BatchLocation | null> {
  const cursor = new BatchCursor(fd, position, end, LOOKUP_CHUNK)
  for (;;) {
    const step = await cursor.next(false)
    if (step.kind === 'end') return null
    if (step.kind === 'invalid') throw new IndexMismatchError(`no valid batch at ${step.position}: ${step.reason}`)
    const h = step.header
    if (visit(h, step.position, step.size))
      return { position: step.position, size: step.size, baseOffset: h.baseOffset, lastOffset: h.lastOffset, maxTimestamp: h.maxTimestamp }
  }
}

/** The first batch whose last offset is >= target, starting from the offset index's entry. */
export async function locate(fd: number, end: number, offsets: OffsetIndex, target: number): Promise<BatchLocation | null> {
  const entry = offsets.lookup(target)
  if (entry.position > 0 && entry.position >= end) throw new IndexMismatchError(`index position ${entry.position} is past ${end}`)
  let first = entry.position > 0
  return scanHeaders(fd, entry.position, end, (h) => {
    if (first && h.baseOffset > entry.offset)
      throw new IndexMismatchError(`index entry (${entry.offset}, ${entry.position}) points at a batch from ${h.baseOffset}`)
    first = false
    return h.lastOffset >= target
  })
}

export interface BatchRange {
  /** Whole batches, exactly as on disk; empty when the first does not fit and minOneMessage is off. */
  records: Buffer
  /** The offset after the last batch returned. */
  nextOffset: number
}

/** What readBatches is asked for, and how to read it. */
export interface BatchRead {
  maxBytes: number
  /** Return the first batch whole even when it is larger than maxBytes. */
  minOneMessage: boolean
  /** The bytes were just written: read without the thread pool (readAtSync). */
  hot: boolean
  buffers: ReadBuffers
}

/** Plain new buffers, for reads that keep what they read. */
export const NEW_BUFFERS: ReadBuffers = { take: (size) => Buffer.allocUnsafe(size) }

/**
 * Reads whole batches from `position` (the batch holding `target`), at most `maxBytes` of
 * them, or the first batch alone if it is larger and `minOneMessage` is set.
 *
 * The cut after the last whole batch is found from the offset index's last entry inside the
 * range, walking batch headers only from there: a walk over all of them touches a cache line
 * per batch of memory a pool thread has just written (on another CPU), which cost ~20 µs per
 * 1 MiB read of 16 KiB batches, a tenth of the whole read.
 */
export async function readBatches(
  fd: number,
  position: number,
  end: number,
  target: number,
  offsets: OffsetIndex,
  how: BatchRead,
): Promise<BatchRange> {
  const { maxBytes, minOneMessage } = how
  const available = end - position
  const want = Math.min(available, Math.max(maxBytes, minOneMessage ? BATCH.RECORDS : 0))
  if (want < BATCH.RECORDS) {
    // No batch fits in maxBytes; with minOneMessage this is a file too short for the header it should hold.
    if (!minOneMessage) return { records: EMPTY, nextOffset: -1 }
    throw new IndexMismatchError(`no valid batch at ${position}`)
  }
  let buf = how.buffers.take(want)
  const read = how.hot ? readAtSync(fd, buf, 0, want, position) : await readAt(fd, buf, 0, want, position)
  if (read < want) throw new IndexMismatchError(`log file shorter than ${end}`)
  if (!isBatchAt(buf, 0)) throw new IndexMismatchError(`no valid batch at ${position}`)
  let cut = 0
  let nextOffset = -1
  // Everything before a batch start the index knows of is whole batches.
  const entry = offsets.lookupPosition(position + want - BATCH.RECORDS)
  if (entry !== null && entry.position > position) {
    cut = entry.position - position
    nextOffset = readInt64(buf, cut)
    if (!isBatchAt(buf, cut) || nextOffset > entry.offset)
      throw new IndexMismatchError(`index entry (${entry.offset}, ${entry.position}) does not point at a batch holding its offset`)
  }
  for (let p = cut; p + BATCH.RECORDS <= want; ) {
    if (!isBatchAt(buf, p)) break
    const size = buf.readInt32BE(p + BATCH.LENGTH) + BATCH.LOG_OVERHEAD
    if (p + size > want) break
    nextOffset = readInt64(buf, p) + buf.readInt32BE(p + BATCH.LAST_OFFSET_DELTA) + 1
    p += size
    cut = p
  }
  if (cut === 0) {
    if (!minOneMessage) return { records: EMPTY, nextOffset: -1 }
    const size = buf.readInt32BE(BATCH.LENGTH) + BATCH.LOG_OVERHEAD
    if (size > available) throw new IndexMismatchError(`no valid batch at ${position}`)
    buf = how.buffers.take(size)
    if ((await readAt(fd, buf, 0, size, position)) < size) throw new IndexMismatchError(`log file shorter than ${end}`)
    nextOffset = BatchHeader.view(buf).nextOffset
    cut = size
  }
  if (BatchHeader.view(buf).lastOffset < target) throw new IndexMismatchError(`batch at ${position} ends before offset ${target}`)
  return { records: buf.subarray(0, cut), nextOffset }
}

/** Whether `buf` holds the header of a magic-2 batch of legal length at `p`. */
function isBatchAt(buf: Buffer, p: number): boolean {
  return buf.readInt32BE(p + BATCH.LENGTH) >= MIN_BATCH_LENGTH && buf[p + BATCH.MAGIC] === MAGIC_V2
}

/**
 * The first record at or after `minOffset` with a timestamp >= target (Kafka's
 * findOffsetByTimestamp), starting after the last time-index entry below the target.
 */
export async function findByTimestamp(
  fd: number,
  end: number,
  idx: Indexes,
  baseOffset: number,
  target: number,
  minOffset: number,
  decompress: Decompress | undefined,
): Promise<TimestampOffset | null> {
  const entry = idx.times.lookupBefore(target)
  const from = Math.max(entry?.offset ?? baseOffset, minOffset)
  const start = await locate(fd, end, idx.offsets, from)
  if (start === null) return null
  if (entry !== null && from === entry.offset && (start.baseOffset > entry.offset || start.maxTimestamp !== entry.timestamp))
    throw new IndexMismatchError(`time index entry (${entry.timestamp}, ${entry.offset}) disagrees with the batch at ${start.position}`)
  let position = start.position
  for (;;) {
    const hit = await scanHeaders(fd, position, end, (h) => h.lastOffset >= minOffset && h.maxTimestamp >= target)
    if (hit === null) return null
    const found = await firstRecordAtOrAfter(fd, hit, target, minOffset, decompress)
    if (found !== null) return found
    position = hit.position + hit.size
  }
}

async function firstRecordAtOrAfter(
  fd: number,
  at: BatchLocation,
  target: number,
  minOffset: number,
  decompress: Decompress | undefined,
): Promise<TimestampOffset | null> {
  const buf = Buffer.allocUnsafe(at.size)
  await readAt(fd, buf, 0, at.size, at.position)
  const h = BatchHeader.view(buf)
  if (h.timestampType === TimestampType.LogAppendTime)
    return { timestamp: h.maxTimestamp, offset: Math.max(h.baseOffset, minOffset) }
  let records: Buffer | undefined
  if (h.compression !== 0) {
    if (decompress === undefined) throw new Error(`a timestamp lookup needs a decompressor for compression type ${h.compression}`)
    records = await decompress(h.compression, buf.subarray(h.recordsStart, h.end))
  }
  for (const r of readRecords(h, records)) if (r.timestamp >= target && r.offset >= minOffset) return { timestamp: r.timestamp, offset: r.offset }
  return null
}
