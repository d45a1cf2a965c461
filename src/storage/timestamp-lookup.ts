/**
 * ListOffsets by time over a log's segments, as Kafka's UnifiedLog answers it. Records below the
 * log start offset are never answers: they could not be fetched.
 */
import type { LogSegment } from './log-segment.js'
import type { TimestampOffset } from './time-index.js'

/** The first record with a timestamp >= `timestamp` (fetchOffsetByTimestamp), or null if none. */
export async function firstAtOrAfter(segments: readonly LogSegment[], start: number, timestamp: number): Promise<TimestampOffset | null> {
  for (const s of segments) {
    if (s.endOffset <= start || (await s.maxTimestamp()) < timestamp) continue
    const found = await s.findByTimestamp(timestamp, start)
    if (found !== null) return found
  }
  return null
}

/**
 * MAX_TIMESTAMP: the segment whose max timestamp is largest, then its first record reaching it,
 * or null for an empty log.
 */
export async function firstWithLargest(segments: readonly LogSegment[], start: number): Promise<TimestampOffset | null> {
  let best: LogSegment | null = null
  let bestTimestamp = -1
  for (const s of segments) {
    if (s.endOffset <= start) continue
    const ts = s.baseOffset >= start ? await s.maxTimestamp() : await largestTimestampFrom(s, start)
    if (ts > bestTimestamp) {
      best = s
      bestTimestamp = ts
    }
  }
  return best === null ? null : best.findByTimestamp(bestTimestamp, start)
}

/**
 * The largest timestamp among a segment's records at or after `start` (-1 if none): the
 * segment's own max may belong to a record below the log start offset, so binary-search the
 * timestamps with the time index (~55 lookups at most, each moving the lower bound up).
 */
async function largestTimestampFrom(segment: LogSegment, start: number): Promise<number> {
  const first = await segment.findByTimestamp(Number.MIN_SAFE_INTEGER, start)
  if (first === null) return -1
  let lo = first.timestamp
  let hi = Number.MAX_SAFE_INTEGER
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2)
    const found = await segment.findByTimestamp(mid, start)
    if (found === null) hi = mid - 1
    else lo = found.timestamp
  }
  return lo
}
