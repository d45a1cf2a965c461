/**
 * One clean of one log, as Kafka's Cleaner.doClean: build the key → latest offset map over the
 * dirty range [firstDirtyOffset, firstUncleanableOffset), then rewrite every segment below the
 * map's end (the clean part too: keys updated since may make its records obsolete), grouped by
 * size, keeping for each key its latest record, dropping aborted transactional data, expired
 * tombstones and markers, and swap the cleaned segments in. Offsets never change; the next
 * clean starts where this one's map ended (the returned end offset, checkpointed).
 */
import { stat, utimes } from 'node:fs/promises'
import { LOG_SUFFIX } from '../file-names.js'
import type { PartitionLog } from '../partition-log.js'
import type { LogSegment } from '../log-segment.js'
import { filterBatch, newStats, type CleanerStats, type FilterContext } from './batch-filter.js'
import { CLEANED_SUFFIX, CleanedSegmentWriter, segmentPaths } from './cleaned-segment.js'
import { segmentsIn } from './cleaner-manager.js'
import type { OffsetMap } from './offset-map.js'
import { forEachRecord } from './raw-records.js'
import { groupSegmentsBySize } from './segment-groups.js'
import { controlTypeOf, recordsOf, segmentBatches } from './segment-batches.js'
import { CleanedTransactionMetadata, scanLog, type AbortedTxn, type ProducerLastRecord } from './transactions.js'

/** Thrown out of a clean that was asked to stop (shutdown, the log deleted): its files are removed. */
export class CleaningAbortedError extends Error {}

export interface CleanOptions {
  /** An empty key map for at most `keys` keys (it may be smaller: the clean is then partial). */
  map: (keys: number) => Promise<OffsetMap>
  /** log.cleaner.io.buffer.load.factor: the share of the map's slots a clean fills. */
  loadFactor: number
  now: number
  /**
   * Called for every batch: yields to the event loop once the clean has held it for a while,
   * and throws CleaningAbortedError when the clean must stop.
   */
  pace: () => Promise<void> | void
  /** Counts bytes read or written, sleeping when over log.cleaner.io.max.bytes.per.second. */
  throttle: (bytes: number) => Promise<void>
  /** Bytes of the read chunk and of the write buffer (log.cleaner.io.buffer.size / threads / 2, as Kafka). */
  ioBufferBytes: number
}

export interface CleanResult {
  /** Where the next clean's dirty range starts. */
  endOffset: number
  stats: CleanerStats
  /** Bytes of the dirty range the map covered. */
  mappedBytes: number
  segmentsBefore: number
  segmentsAfter: number
}

export async function cleanLog(log: PartitionLog, firstDirtyOffset: number, firstUncleanableOffset: number, opts: CleanOptions): Promise<CleanResult> {
  const segments = log.segments
  const indexed = new Map((await log.collectAbortedTransactions(0, log.logEndOffset)).map((t) => [`${t.producerId}:${t.lastOffset}`, t.lastStableOffset]))
  const scan = await scanLog(segments, {
    to: log.logEndOffset,
    dirtyFrom: firstDirtyOffset,
    dirtyTo: firstUncleanableOffset,
    indexed,
    logStartOffset: log.logStartOffset,
    pace: opts.pace,
    throttle: opts.throttle,
    chunkBytes: opts.ioBufferBytes,
  })
  const aborted = scan.aborted
  const map = await opts.map(scan.dirtyRecords)
  const mappedBytes = await buildOffsetMap(map, segmentsIn(segments, firstDirtyOffset, firstUncleanableOffset), firstDirtyOffset, firstUncleanableOffset, aborted, opts)
  const stats = newStats()
  const endOffset = map.latestOffset + 1
  if (endOffset <= firstDirtyOffset) return { endOffset: firstDirtyOffset, stats, mappedBytes, segmentsBefore: 0, segmentsAfter: 0 }

  const config = log.config
  const toClean = segmentsIn(segments, 0, endOffset).filter((s) => s !== segments.at(-1))
  const groups = await groupSegmentsBySize(toClean, config.segmentBytes, config.segmentIndexBytes, firstUncleanableOffset)
  const ctx: FilterContext = {
    map,
    txns: new CleanedTransactionMetadata(aborted),
    lastRecords: lastRecordsOfActiveProducers(log),
    now: opts.now,
    deleteRetentionMs: config.deleteRetentionMs,
    stats,
  }
  for (const group of groups) await cleanSegments(log, group, ctx, opts)
  return { endOffset, stats, mappedBytes, segmentsBefore: toClean.length, segmentsAfter: groups.length }
}

/** Kafka's lastRecordsOfActiveProducers: each producer's last data offset and epoch. */
function lastRecordsOfActiveProducers(log: PartitionLog): Map<number, ProducerLastRecord> {
  const out = new Map<number, ProducerLastRecord>()
  for (const p of log.producerState.activeProducers()) out.set(p.producerId, { lastDataOffset: p.lastDataOffset, producerEpoch: p.producerEpoch })
  return out
}

/** Kafka's buildOffsetMap: the dirty range's keys; stops early (a partial clean) when the map is full. */
async function buildOffsetMap(map: OffsetMap, dirty: readonly LogSegment[], start: number, end: number, aborted: readonly AbortedTxn[], opts: CleanOptions): Promise<number> {
  const txns = new CleanedTransactionMetadata(aborted)
  const maxDesired = Math.floor(map.slots * opts.loadFactor)
  let bytes = 0
  for (const seg of dirty) {
    for await (const h of segmentBatches(seg, start, end, opts.ioBufferBytes)) {
      await opts.pace()
      await opts.throttle(h.sizeInBytes)
      if (h.isControl) txns.onControlBatchRead(h, await controlTypeOf(h))
      else if (!txns.onBatchRead(h)) {
        const records = await recordsOf(h)
        let full = false
        forEachRecord(records, h.recordCount, h.baseOffset, h.baseTimestamp, (r) => {
          if (r.keyLength < 0 || r.offset < start) return true
          if (map.size >= maxDesired) {
            full = true
            return false
          }
          map.put(records, r.keyStart, r.keyStart + r.keyLength, r.offset)
          return true
        })
        if (full) return bytes
      }
      if (h.lastOffset >= start) map.updateLatestOffset(h.lastOffset)
      bytes += h.sizeInBytes
    }
  }
  return bytes
}

/** Kafka's cleanSegments: one group into one `.cleaned` segment, then the swap. */
async function cleanSegments(log: PartitionLog, group: readonly LogSegment[], ctx: FilterContext, opts: CleanOptions): Promise<void> {
  const writer = await CleanedSegmentWriter.create(log.dir, group[0]!.baseOffset, log.config, opts.ioBufferBytes)
  try {
    for (const seg of group) {
      for await (const h of segmentBatches(seg, seg.baseOffset, Number.MAX_SAFE_INTEGER, opts.ioBufferBytes)) {
        await opts.pace()
        await opts.throttle(h.sizeInBytes)
        const out = await filterBatch(h, ctx)
        if (out === null) continue
        await writer.append(out)
        await opts.throttle(out.length)
      }
    }
    const cleaned = await writer.finish(ctx.txns.takeRetainedAborted())
    // Kafka keeps the last replaced segment's modification time (retention falls back on it).
    const { mtime } = await stat(group.at(-1)!.path(LOG_SUFFIX))
    await utimes(segmentPaths(log.dir, cleaned.baseOffset, CLEANED_SUFFIX)[0]!, mtime, mtime)
    await opts.pace()
    if (!(await log.replaceSegments(group, cleaned))) throw new CleaningAbortedError(`${log.topic}-${log.partition}: segments changed during the clean`)
  } catch (err) {
    await writer.abort()
    throw err
  }
}
