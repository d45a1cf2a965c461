/**
 * Kafka's LogCleanerManager choices: which part of a log is dirty and may be cleaned now, and
 * which log is filthiest.
 *
 * - The dirty range starts at the checkpointed end of the last clean (the log start offset if
 *   there is none or it is out of range) and ends at the first uncleanable offset: the lowest of
 *   the last stable offset (nothing undecided is cleaned), the active segment's base offset, and
 *   the first segment with a record newer than min.compaction.lag.ms.
 * - A log is cleaned when its dirty share of bytes exceeds min.cleanable.dirty.ratio, or when
 *   a dirty segment's first batch is older than max.compaction.lag.ms (and there is something
 *   to clean); the one with the highest ratio goes first.
 */
import type { PartitionLog } from '../partition-log.js'
import type { LogSegment } from '../log-segment.js'

export interface CleanableOffsets {
  firstDirtyOffset: number
  firstUncleanableOffset: number
  /** Milliseconds a dirty segment is past max.compaction.lag.ms (0: none). */
  maxCompactionDelayMs: number
}

export interface LogToClean extends CleanableOffsets {
  log: PartitionLog
  cleanBytes: number
  cleanableBytes: number
  totalBytes: number
  cleanableRatio: number
}

/** Kafka's logSegments(from, to): from the segment holding `from` to the last starting below `to`; none when to <= from. */
export function segmentsIn(segments: readonly LogSegment[], from: number, to: number): LogSegment[] {
  if (to <= from) return []
  let i = 0
  while (i + 1 < segments.length && segments[i + 1]!.baseOffset <= from) i++
  const out: LogSegment[] = []
  for (; i < segments.length && segments[i]!.baseOffset < to; i++) out.push(segments[i]!)
  return out
}

/** The closed segments from the one holding `from` (Kafka's nonActiveLogSegmentsFrom). */
function closedFrom(segments: readonly LogSegment[], from: number): LogSegment[] {
  return segmentsIn(segments, from, segments.at(-1)!.baseOffset)
}

export async function cleanableOffsets(log: PartitionLog, checkpointed: number | undefined, now: number): Promise<CleanableOffsets> {
  const segments = log.segments
  const start = log.logStartOffset
  const firstDirtyOffset = checkpointed === undefined || checkpointed < start || checkpointed > log.logEndOffset ? start : checkpointed
  const config = log.config
  let firstUncleanableOffset = Math.min(log.lastStableOffset, segments.at(-1)!.baseOffset)
  const minLag = Math.max(config.minCompactionLagMs, 0)
  if (minLag > 0) {
    for (const s of closedFrom(segments, firstDirtyOffset)) {
      if ((await s.largestTimestamp()) > now - minLag) {
        firstUncleanableOffset = Math.min(firstUncleanableOffset, s.baseOffset)
        break
      }
    }
  }
  return { firstDirtyOffset, firstUncleanableOffset: Math.max(firstUncleanableOffset, firstDirtyOffset), maxCompactionDelayMs: await maxCompactionDelay(log, firstDirtyOffset, now) }
}

/** Kafka's maxCompactionDelay: how long the oldest dirty segment's first batch is past max.compaction.lag.ms. */
async function maxCompactionDelay(log: PartitionLog, firstDirtyOffset: number, now: number): Promise<number> {
  const cleanUntil = now - Math.max(log.config.maxCompactionLagMs, 0)
  if (cleanUntil <= 0) return 0
  let earliest = Infinity
  for (const s of closedFrom(log.segments, firstDirtyOffset)) {
    const first = await s.locate(s.baseOffset)
    if (first !== null && first.maxTimestamp > 0) earliest = Math.min(earliest, first.maxTimestamp)
  }
  return earliest < cleanUntil ? cleanUntil - earliest : 0
}

export function logToClean(log: PartitionLog, offsets: CleanableOffsets): LogToClean {
  const segments = log.segments
  const sum = (ss: readonly LogSegment[]): number => ss.reduce((n, s) => n + s.size, 0)
  const cleanBytes = sum(segmentsIn(segments, -1, offsets.firstDirtyOffset))
  const cleanableBytes = sum(segmentsIn(segments, offsets.firstDirtyOffset, Math.max(offsets.firstDirtyOffset, offsets.firstUncleanableOffset)))
  const totalBytes = cleanBytes + cleanableBytes
  return { log, ...offsets, cleanBytes, cleanableBytes, totalBytes, cleanableRatio: totalBytes === 0 ? 0 : cleanableBytes / totalBytes }
}

/** What a search for the filthiest log saw of all candidates (Kafka's PreCleanStats and dirtiestLogCleanableRatio). */
export interface PreCleanStats {
  maxCompactionDelayMs: number
  /** The highest dirty ratio of a candidate with data, due or not. */
  maxCleanableRatio: number
}

/** Kafka's grabFilthiestCompactedLog, over the candidate logs (compacted, not being cleaned, not failed). */
export async function filthiestLog(
  logs: Iterable<PartitionLog>,
  checkpointed: (log: PartitionLog) => number | undefined,
  now: number,
  pre: PreCleanStats = { maxCompactionDelayMs: 0, maxCleanableRatio: 0 },
): Promise<LogToClean | null> {
  let best: LogToClean | null = null
  for (const log of logs) {
    if (!log.config.cleanupPolicy.includes('compact')) continue
    const ltc = logToClean(log, await cleanableOffsets(log, checkpointed(log), now))
    pre.maxCompactionDelayMs = Math.max(pre.maxCompactionDelayMs, ltc.maxCompactionDelayMs)
    if (ltc.totalBytes <= 0) continue
    pre.maxCleanableRatio = Math.max(pre.maxCleanableRatio, ltc.cleanableRatio)
    const due = (ltc.maxCompactionDelayMs > 0 && ltc.cleanableBytes > 0) || ltc.cleanableRatio > log.config.minCleanableDirtyRatio
    if (due && (best === null || ltc.cleanableRatio > best.cleanableRatio)) best = ltc
  }
  return best
}
