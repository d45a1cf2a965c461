/**
 * Walks the records of a v2 batch's (uncompressed) records region for the checks that need
 * them: keys on compacted topics, timestamp bounds, offset deltas. It reads the varint
 * fields in place and hands numbers to a visitor, so a scan allocates nothing per record.
 * Record layout: see protocol/records/record.ts.
 */
import { readVarint, readVarlong, VarintError, type Cursor } from '../protocol/records/varint.js'

/** `keyLength` and `valueLength` are -1 for null. */
export type RecordVisitor = (
  index: number,
  offsetDelta: number,
  timestampDelta: number,
  keyLength: number,
  valueLength: number,
) => void

/** The records do not parse, or their number disagrees with the batch header. */
export class MalformedRecordsError extends Error {
  override name = 'MalformedRecordsError'
}

function skipBytes(region: Buffer, cur: Cursor, end: number, what: string): number {
  const length = readVarint(region, cur)
  if (length > 0) {
    if (cur.pos + length > end) throw new MalformedRecordsError(`${what} of ${length} bytes overruns its record`)
    cur.pos += length
  }
  return length
}

/** Visits `count` records in `region`; throws MalformedRecordsError when they do not fill it exactly. */
export function scanRecords(region: Buffer, count: number, visit: RecordVisitor): void {
  const cur: Cursor = { pos: 0 }
  try {
    for (let i = 0; i < count; i++) {
      if (cur.pos >= region.length) throw new MalformedRecordsError(`premature end of records: ${i} of ${count} read`)
      const size = readVarint(region, cur)
      const start = cur.pos
      const end = start + size
      if (size < 0 || end > region.length) throw new MalformedRecordsError(`record ${i} of ${size} bytes overruns the batch`)
      cur.pos++ // attributes: unused in v2
      const timestampDelta = readVarlong(region, cur)
      const offsetDelta = readVarint(region, cur)
      const keyLength = skipBytes(region, cur, end, 'key')
      const valueLength = skipBytes(region, cur, end, 'value')
      const headers = readVarint(region, cur)
      if (headers < 0 || headers > end - cur.pos) throw new MalformedRecordsError(`record ${i} claims ${headers} headers`)
      for (let h = 0; h < headers; h++) {
        if (skipBytes(region, cur, end, 'header key') < 0) throw new MalformedRecordsError(`record ${i} has a null header key`)
        skipBytes(region, cur, end, 'header value')
      }
      if (cur.pos !== end) throw new MalformedRecordsError(`record ${i} is ${size} bytes but its fields take ${cur.pos - start}`)
      visit(i, offsetDelta, timestampDelta, keyLength, valueLength)
    }
  } catch (err) {
    if (err instanceof VarintError) throw new MalformedRecordsError(`records do not parse: ${err.message}`)
    throw err
  }
  if (cur.pos !== region.length)
    throw new MalformedRecordsError(`${region.length - cur.pos} bytes remain after the declared ${count} records`)
}
