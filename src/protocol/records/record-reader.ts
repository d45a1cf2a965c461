/**
 * Decodes the records of one batch, for the few places that need them (control batches,
 * compaction, timestamp lookup, tests). The produce and fetch paths never call this.
 */
import type { BatchHeader } from './batch-header.js'
import { TimestampType } from './attributes.js'
import type { Record, RecordHeader } from './record.js'
import { readVarint, readVarlong, type Cursor } from './varint.js'

/** Thrown when a batch's records do not decode. */
export class CorruptRecordError extends Error {}

function readBytes(buf: Buffer, cur: Cursor): Buffer | null {
  const length = readVarint(buf, cur)
  if (length < 0) return null
  const start = cur.pos
  const end = start + length
  if (end > buf.length) throw new CorruptRecordError('record field runs past the end of its batch')
  cur.pos = end
  return buf.subarray(start, end)
}

/**
 * Yields the records of `header`'s batch. For a compressed batch, pass the decompressed
 * records region as `records` (the codecs live in records/compression); an uncompressed
 * batch is read in place.
 */
export function* readRecords(header: BatchHeader, records?: Buffer): Generator<Record> {
  if (records === undefined) {
    if (header.compression !== 0)
      throw new CorruptRecordError(`batch is compressed (type ${header.compression}); pass its decompressed records`)
    records = header.buffer.subarray(header.recordsStart, header.end)
  }
  const baseOffset = header.baseOffset
  const baseTimestamp = header.baseTimestamp
  const appendTime = header.timestampType === TimestampType.LogAppendTime ? header.maxTimestamp : -1
  const count = header.recordCount
  const cur: Cursor = { pos: 0 }
  for (let i = 0; i < count; i++) {
    const length = readVarint(records, cur)
    const end = cur.pos + length
    if (length < 0 || end > records.length) throw new CorruptRecordError(`record ${i} of length ${length} overruns its batch`)
    cur.pos++ // attributes: unused by magic 2
    const timestampDelta = readVarlong(records, cur)
    const offsetDelta = readVarint(records, cur)
    const key = readBytes(records, cur)
    const value = readBytes(records, cur)
    const headerCount = readVarint(records, cur)
    if (headerCount < 0) throw new CorruptRecordError(`record ${i} has ${headerCount} headers`)
    const headers: RecordHeader[] = []
    for (let h = 0; h < headerCount; h++) {
      const hk = readBytes(records, cur)
      if (hk === null) throw new CorruptRecordError(`record ${i} has a header with a null key`)
      headers.push({ key: hk.toString('utf8'), value: readBytes(records, cur) })
    }
    if (cur.pos !== end) throw new CorruptRecordError(`record ${i} length ${length} disagrees with its fields`)
    yield {
      offset: baseOffset + offsetDelta,
      timestamp: appendTime >= 0 ? appendTime : baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    }
  }
  if (cur.pos !== records.length) throw new CorruptRecordError(`${records.length - cur.pos} bytes after the last record`)
}
