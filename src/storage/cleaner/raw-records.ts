/**
 * Walks the records of a v2 batch's (decompressed) records region in place, exposing what the
 * cleaner decides on (offset, timestamp, key, whether the value is null) and where the parts
 * it copies lie. Record layout (record.ts): varint length, int8 attributes, varlong
 * timestampDelta, varint offsetDelta, then key, value and headers, which a rewrite copies whole.
 */
import { CorruptRecordError } from '../../protocol/records/record-reader.js'
import { readVarint, readVarlong, type Cursor } from '../../protocol/records/varint.js'

export class RawRecord {
  /** Absolute offset and timestamp (batch base + deltas). */
  offset = 0
  timestamp = 0
  /** key bytes are records[keyStart, keyStart + keyLength); keyLength -1: null key. */
  keyStart = 0
  keyLength = -1
  /** -1: a null value (a tombstone). */
  valueLength = -1
  /** From the key length field to the record's end: what a rewrite copies unchanged. */
  tailStart = 0
  end = 0
}

/**
 * Calls `fn` for each of `count` records in `records`; the RawRecord passed is reused.
 * Stops early when `fn` returns false.
 */
export function forEachRecord(
  records: Buffer,
  count: number,
  baseOffset: number,
  baseTimestamp: number,
  fn: (r: RawRecord) => boolean | void,
): void {
  const r = new RawRecord()
  const cur: Cursor = { pos: 0 }
  for (let i = 0; i < count; i++) {
    const length = readVarint(records, cur)
    const end = cur.pos + length
    if (length < 0 || end > records.length) throw new CorruptRecordError(`record ${i} of length ${length} overruns its batch`)
    cur.pos++
    r.timestamp = baseTimestamp + readVarlong(records, cur)
    r.offset = baseOffset + readVarint(records, cur)
    r.tailStart = cur.pos
    r.keyLength = readVarint(records, cur)
    r.keyStart = cur.pos
    if (r.keyLength > 0) cur.pos += r.keyLength
    r.valueLength = readVarint(records, cur)
    if (cur.pos > end || (r.valueLength > 0 && cur.pos + r.valueLength > end)) throw new CorruptRecordError(`record ${i} fields overrun it`)
    r.end = end
    cur.pos = end
    if (fn(r) === false) return
  }
}
