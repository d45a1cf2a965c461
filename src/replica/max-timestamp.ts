/**
 * ListOffsets MAX_TIMESTAMP (-3): the first record holding the log's largest timestamp, with
 * that timestamp and its batch's leader epoch (Kafka's UnifiedLog answer: the segment with the
 * largest timestamp, its first batch reaching it, that batch's first record carrying it).
 *
 * PartitionLog answers "the first record at or after timestamp t" (offsetForTimestamp); the
 * largest timestamp is found with it by a binary search over timestamps. A probe above every
 * segment's max timestamp is answered from memory; one at or below reads one batch through the
 * indexes. Each answer moves the lower bound up to the timestamp it found, so ~55 probes at most.
 * Segments already track their max timestamp and its offset: a PartitionLog method exposing them
 * would replace this search.
 *
 * Unlike Kafka, records below the log start offset (after DeleteRecords) are not considered: an
 * offset there could not be fetched.
 */
import type { PartitionLog } from '../storage/partition-log.js'
import type { OffsetAndEpoch } from '../storage/partition-log-types.js'

export type TimestampAndOffset = OffsetAndEpoch & { timestamp: number }

export async function maxTimestampRecord(log: PartitionLog): Promise<TimestampAndOffset | null> {
  let best = await log.offsetForTimestamp(Number.MIN_SAFE_INTEGER)
  if (best === null) return null
  // A record with timestamp `lo` exists (`best`, the first such); none is above `hi`.
  let lo = best.timestamp
  let hi = Number.MAX_SAFE_INTEGER
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2)
    const found = await log.offsetForTimestamp(mid)
    if (found === null) hi = mid - 1
    else {
      // The first record at or after mid: every earlier record is below mid, so it is also the
      // first one with its own timestamp.
      best = found
      lo = found.timestamp
    }
  }
  return best
}
