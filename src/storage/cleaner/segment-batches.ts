/**
 * Reads a segment's batches in chunks for the cleaner, through the segment's own read path
 * (index lookup, whole batches), so a clean sees exactly what a fetch would.
 */
import { BatchHeader } from '../../protocol/records/batch-header.js'
import { decompress } from '../../protocol/records/compression/index.js'
import type { LogSegment } from '../log-segment.js'
import { forEachRecord } from './raw-records.js'

/** 256 KiB: each chunk is processed synchronously, so this bounds how long the event loop is held. */
export const READ_CHUNK_BYTES = 256 * 1024

/**
 * Yields chunks of whole batches of `segment` from `from` up to (not including) `to`; the
 * first chunk may start with a batch holding offsets below `from`.
 */
export async function* segmentChunks(segment: LogSegment, from: number, to: number, chunkBytes = READ_CHUNK_BYTES): AsyncGenerator<Buffer> {
  let offset = Math.max(from, segment.baseOffset)
  const view = BatchHeader.view(Buffer.alloc(0))
  while (offset < to) {
    const range = await segment.read(offset, chunkBytes, true)
    if (range === null || range.records.length === 0) return
    const buf = range.records
    let end = 0
    let next = offset
    for (let pos = 0; pos < buf.length; ) {
      view.moveTo(buf, pos)
      if (view.baseOffset >= to) break
      pos += view.sizeInBytes
      end = pos
      next = view.nextOffset
    }
    if (end === 0) return
    yield end === buf.length ? buf : buf.subarray(0, end)
    if (next <= offset) return
    offset = next
  }
}

/** The records region of a batch, decompressed if needed. */
export function recordsOf(h: BatchHeader): Promise<Buffer> | Buffer {
  const region = h.buffer.subarray(h.recordsStart, h.end)
  return h.compression === 0 ? region : decompress(h.compression, region)
}

/** The control type (ControlRecordType) of a control batch's first record, or -1 for an empty one. */
export async function controlTypeOf(h: BatchHeader): Promise<number> {
  if (h.recordCount === 0) return -1
  const records = await recordsOf(h)
  let type = -1
  forEachRecord(records, 1, h.baseOffset, h.baseTimestamp, (r) => {
    if (r.keyLength >= 4) type = records.readInt16BE(r.keyStart + 2)
  })
  return type
}
