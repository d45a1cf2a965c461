/**
 * Which leading segments retention may delete, as Kafka decides it. Only closed segments
 * are candidates (never the active one), and each rule deletes a prefix of the log: it stops
 * at the first segment that does not qualify.
 */
import type { LogSegment } from './log-segment.js'

export type DeletionReason = 'log start offset' | 'retention.bytes' | 'retention.ms'

/** Closed segments: all but the last. */
function closed(segments: readonly LogSegment[]): readonly LogSegment[] {
  return segments.slice(0, -1)
}

export const deletableSegments = {
  /** Segments wholly below the log start offset (moved by DeleteRecords): the next segment starts at or before it. */
  logStartOffsetBreached(segments: readonly LogSegment[], logStartOffset: number): number {
    let n = 0
    while (n < segments.length - 1 && segments[n + 1]!.baseOffset <= logStartOffset) n++
    return n
  },

  /** retention.bytes: drop the oldest while the log stays at or above the limit without them. */
  sizeBreached(segments: readonly LogSegment[], retentionBytes: number): number {
    if (retentionBytes < 0) return 0
    let diff = segments.reduce((n, s) => n + s.size, 0) - retentionBytes
    let n = 0
    for (const s of closed(segments)) {
      if (diff - s.size < 0) break
      diff -= s.size
      n++
    }
    return n
  },

  /** retention.ms: drop the oldest whose largest timestamp is more than retention.ms ago. */
  async timeBreached(segments: readonly LogSegment[], retentionMs: number, now: number): Promise<number> {
    if (retentionMs < 0) return 0
    let n = 0
    for (const s of closed(segments)) {
      if (now - (await s.largestTimestamp()) <= retentionMs) break
      n++
    }
    return n
  },
}
