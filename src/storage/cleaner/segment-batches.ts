/**
 * Reads a closed segment's batches for the cleaner: sequentially from the batch holding `from`
 * (found through the segment's offset index), through one reused buffer, so a clean of any size
 * allocates next to nothing per batch and leaves the garbage collector, and so the event loop,
 * alone. A segment retired under a clean (retention) fails the read, which aborts the clean.
 */
import { open } from 'node:fs/promises'
import type { BatchHeader } from '../../protocol/records/batch-header.js'
import { decompress } from '../../protocol/records/compression/index.js'
import { BatchCursor } from '../batch-cursor.js'
import { LOG_SUFFIX } from '../file-names.js'
import type { LogSegment } from '../log-segment.js'
import { forEachRecord } from './raw-records.js'

/**
 * The batches of `segment` from the one holding `from` (or the first after it) to the first
 * starting at or after `to`. Each header views the reader's buffer: valid until the next one.
 */
export async function* segmentBatches(segment: LogSegment, from: number, to: number, chunkBytes: number): AsyncGenerator<BatchHeader> {
  const start = from <= segment.baseOffset ? 0 : (await segment.locate(from))?.position
  if (start === undefined) return
  const fh = await open(segment.path(LOG_SUFFIX), 'r')
  try {
    // One read a chunk; a batch larger than the chunk grows it (Kafka grows its buffer too).
    const cursor = new BatchCursor(fh.fd, start, segment.size, chunkBytes)
    for (;;) {
      const step = await cursor.next(true)
      if (step.kind === 'end') return
      if (step.kind === 'invalid') throw new Error(`${segment.path(LOG_SUFFIX)} at ${step.position}: ${step.reason}`)
      if (step.header.baseOffset >= to) return
      yield step.header
    }
  } finally {
    await fh.close()
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
