import type { Indexes } from './segment-files.js'
import type { TimeIndex } from './time-index.js'

/**
 * Turns a segment's batches, as they are written or scanned, into sparse index entries, as
 * Kafka's LogSegment does: an offset entry once more than index.interval.bytes were written
 * since the last one, and with it a time entry carrying the largest timestamp so far (time
 * entries must not go backwards, so a batch with an older timestamp does not lower it).
 */
export class SegmentIndexer {
  /** Largest batch timestamp so far (-1: none) and the last offset of the batch carrying it. */
  maxTimestamp = -1
  offsetOfMaxTimestamp: number
  /** False for a segment opened with data until its time index is loaded: maxTimestamp is not its own yet. */
  known: boolean
  /** Bytes written since the last offset-index entry. */
  bytesSinceLastEntry = 0

  constructor(baseOffset: number, known: boolean) {
    this.offsetOfMaxTimestamp = baseOffset
    this.known = known
  }

  /** Takes the largest timestamp from a time index loaded from its file, unless known already. */
  resumeFrom(times: TimeIndex): void {
    if (this.known) return
    const last = times.lastEntry()
    this.maxTimestamp = last.timestamp
    this.offsetOfMaxTimestamp = last.offset
    this.known = true
  }

  /** Accounts for a batch of `size` bytes at `position`, adding index entries when due. */
  add(idx: Indexes, lastOffset: number, position: number, size: number, maxTimestamp: number, intervalBytes: number): void {
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp
      this.offsetOfMaxTimestamp = lastOffset
    }
    if (this.bytesSinceLastEntry > intervalBytes) {
      idx.offsets.append(lastOffset, position)
      idx.times.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp)
      this.bytesSinceLastEntry = 0
    }
    this.bytesSinceLastEntry += size
  }

  /** The final time entry of a segment that takes no more appends. */
  closeTimeIndex(times: TimeIndex): void {
    times.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true)
  }
}
