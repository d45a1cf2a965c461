/**
 * The broker's in-place edits to produced batches before they are written: the base offset
 * and partition leader epoch (outside the CRC), and for LogAppendTime topics the timestamp
 * type and max timestamp (inside it, so the CRC is recomputed). Also checks that the bytes
 * are whole v2 batches end to end.
 */
import { BATCH, BatchHeader, MAGIC_V2 } from '../protocol/records/batch-header.js'

export interface Stamped {
  count: number
  /** The offset after the last batch. */
  nextOffset: number
  maxTimestamp: number
}

/** Stamps the batches in `buf` from `firstOffset`; returns what was stamped, or why the bytes are not batches. */
export function stampBatches(buf: Buffer, firstOffset: number, leaderEpoch: number | undefined, logAppendTime: number): Stamped | string {
  const h = BatchHeader.view(buf, 0)
  let offset = firstOffset
  let count = 0
  let maxTimestamp = -1
  for (let pos = 0; pos < buf.length; count++) {
    if (buf.length - pos < BATCH.RECORDS) return `${buf.length - pos} trailing bytes are not a batch`
    h.moveTo(buf, pos)
    const size = h.sizeInBytes
    if (size < BATCH.RECORDS || pos + size > buf.length || h.magic !== MAGIC_V2 || h.lastOffsetDelta < 0)
      return `no whole v2 batch at byte ${pos}`
    h.setBaseOffset(offset)
    if (leaderEpoch !== undefined) h.setPartitionLeaderEpoch(leaderEpoch)
    if (logAppendTime >= 0) h.setLogAppendTime(logAppendTime)
    maxTimestamp = Math.max(maxTimestamp, h.maxTimestamp)
    offset = h.nextOffset
    pos += size
  }
  return count === 0 ? 'no batches to append' : { count, nextOffset: offset, maxTimestamp }
}
