/**
 * Kafka's Cleaner.groupSegmentsBySize: consecutive segments cleaned into one, so a log of many
 * small segments becomes a few. A group grows while its log bytes stay within segment.bytes,
 * each of its indexes within segment.index.bytes, and its offsets within the int32 an index
 * entry holds relative to the base offset.
 */
import { OFFSET_ENTRY_SIZE } from '../offset-index.js'
import type { LogSegment } from '../log-segment.js'
import { TIME_ENTRY_SIZE } from '../time-index.js'

const INT32_MAX = 2 ** 31 - 1

interface Sized {
  segment: LogSegment
  size: number
  offsetIndexBytes: number
  timeIndexBytes: number
}

export async function groupSegmentsBySize(
  segments: readonly LogSegment[],
  maxSize: number,
  maxIndexSize: number,
  firstUncleanableOffset: number,
): Promise<LogSegment[][]> {
  const sized: Sized[] = []
  for (const segment of segments) {
    const idx = await segment.indexes()
    sized.push({ segment, size: segment.size, offsetIndexBytes: idx.offsets.entries * OFFSET_ENTRY_SIZE, timeIndexBytes: idx.times.entries * TIME_ENTRY_SIZE })
  }
  const groups: LogSegment[][] = []
  let i = 0
  while (i < sized.length) {
    const head = sized[i++]!
    const group = [head.segment]
    let logSize = head.size
    let indexSize = head.offsetIndexBytes
    let timeIndexSize = head.timeIndexBytes
    while (i < sized.length) {
      const next = sized[i]!
      // The last offset the next segment may hold: up to the one after it, or the clean's bound.
      const lastOffset = (i + 1 < sized.length ? sized[i + 1]!.segment.baseOffset : firstUncleanableOffset) - 1
      if (
        logSize + next.size > maxSize ||
        indexSize + next.offsetIndexBytes > maxIndexSize ||
        timeIndexSize + next.timeIndexBytes > maxIndexSize ||
        (next.size > 0 && lastOffset - group[0]!.baseOffset > INT32_MAX)
      ) break
      group.push(next.segment)
      logSize += next.size
      indexSize += next.offsetIndexBytes
      timeIndexSize += next.timeIndexBytes
      i++
    }
    groups.push(group)
  }
  return groups
}
