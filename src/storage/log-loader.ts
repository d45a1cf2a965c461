/**
 * Opens a partition dir: finds its segments, and after an unclean shutdown recovers every
 * segment from the one holding the recovery point on (validate, truncate at the first bad
 * byte, rebuild indexes, drop later segments). After a clean shutdown it only reads the
 * active segment's tail to learn the log end offset.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { CheckpointFormatError } from './checkpoint-file.js'
import { recoverInterruptedSwaps } from './cleaner/swap-recovery.js'
import { DELETED_SUFFIX, INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, parseSegmentFileName } from './file-names.js'
import { LeaderEpochCache } from './leader-epoch-cache.js'
import type { LogConfig } from './log-config.js'
import { LogSegment } from './log-segment.js'
import { readPartitionMetadata, writePartitionMetadata } from './partition-metadata.js'
import { TXN_INDEX_SUFFIX } from './transaction-index.js'
import type { LoadedLog, LogContext, OffsetRange } from './partition-log-types.js'

export interface LoadOptions {
  ctx: LogContext
  dir: string
  config: () => LogConfig
  /** From recovery-point-offset-checkpoint; undefined when the log is not in it. */
  recoveryPoint: number | undefined
  /** From log-start-offset-checkpoint. */
  logStartOffset: number | undefined
  /** The log dir held Kafka's clean-shutdown marker. */
  cleanShutdown: boolean
  /** The log has an entry in cleaner-offset-checkpoint: it has been compacted, so it may have holes. */
  compacted?: boolean
}

export interface CreateOptions {
  ctx: LogContext
  dir: string
  config: () => LogConfig
  topicId: string | null
  /** The leader epoch this replica starts in (Kafka writes it to leader-epoch-checkpoint at once). */
  leaderEpoch: number
}

/** A new, empty partition dir with its first segment, partition.metadata and leader-epoch-checkpoint. */
export async function createLogDir(opts: CreateOptions): Promise<LoadedLog> {
  await mkdir(opts.dir, { recursive: true })
  if (opts.topicId !== null) await writePartitionMetadata(opts.dir, opts.topicId)
  const segment = await LogSegment.create(opts.ctx, opts.dir, 0, opts.config)
  const epochs = await LeaderEpochCache.load(opts.dir)
  epochs.assign(opts.leaderEpoch, 0)
  await epochs.flush()
  return { segments: [segment], logStartOffset: 0, logEndOffset: 0, recoveryPoint: 0, epochs, topicId: opts.topicId, cleanShutdown: true }
}

async function loadEpochs(opts: LoadOptions): Promise<LeaderEpochCache> {
  try {
    return await LeaderEpochCache.load(opts.dir)
  } catch (err) {
    if (!(err instanceof CheckpointFormatError)) throw err
    opts.ctx.logger.warn({ dir: opts.dir, err: err.message }, 'ignoring a malformed leader-epoch-checkpoint')
    await rm(join(opts.dir, 'leader-epoch-checkpoint'), { force: true })
    return LeaderEpochCache.load(opts.dir)
  }
}

/** Lists segment base offsets, removing leftovers: `.deleted` files and indexes without a log. */
async function listSegments(dir: string): Promise<number[]> {
  const names = await readdir(dir)
  const logs = new Set<number>()
  for (const n of names) {
    const base = parseSegmentFileName(n, LOG_SUFFIX)
    if (base !== null) logs.add(base)
  }
  for (const n of names) {
    const orphanIndex = [INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX].some((s) => {
      const base = parseSegmentFileName(n, s)
      return base !== null && !logs.has(base)
    })
    if (n.endsWith(DELETED_SUFFIX) || orphanIndex) await rm(join(dir, n), { force: true })
  }
  return [...logs].sort((a, b) => a - b)
}

export async function loadLogDir(opts: LoadOptions): Promise<LoadedLog> {
  const { ctx, dir, config } = opts
  // A clean a crash interrupted is finished or undone before the segments are listed.
  await recoverInterruptedSwaps(dir, ctx.logger)
  const bases = await listSegments(dir)
  const epochs = await loadEpochs(opts)
  const topicId = await readPartitionMetadata(dir)
  if (bases.length === 0) {
    const start = opts.logStartOffset ?? 0
    const segment = await LogSegment.create(ctx, dir, start, config)
    epochs.truncateFromEnd(start)
    return { segments: [segment], logStartOffset: start, logEndOffset: start, recoveryPoint: start, epochs, topicId, cleanShutdown: opts.cleanShutdown }
  }
  const sizes = await Promise.all(bases.map(async (b) => (await stat(join(dir, `${String(b).padStart(20, '0')}${LOG_SUFFIX}`))).size))
  let segments = bases.map((b, i) => LogSegment.open(ctx, dir, b, config, sizes[i]!))
  segments.forEach((s, i) => i + 1 < segments.length && s.setEndOffset(bases[i + 1]!))
  if (opts.compacted) for (const s of segments) s.allowHoles()

  let logEndOffset: number
  let recoveryPoint: number
  let producerFree: OffsetRange | undefined
  if (opts.cleanShutdown) {
    const last = segments.at(-1)!
    last.activate()
    logEndOffset = await last.readEndOffset()
    recoveryPoint = logEndOffset
  } else {
    const recovered = await recover(opts, segments, epochs)
    segments = recovered.segments
    producerFree = recovered.producerFree
    const last = segments.at(-1)!
    last.activate()
    logEndOffset = last.endOffset
    recoveryPoint = Math.min(opts.recoveryPoint ?? 0, logEndOffset)
    if (epochs.truncateFromEnd(logEndOffset)) await epochs.flush()
  }
  const logStartOffset = Math.min(Math.max(opts.logStartOffset ?? 0, segments[0]!.baseOffset), logEndOffset)
  if (epochs.truncateFromStart(logStartOffset)) await epochs.flush()
  return { segments, logStartOffset, logEndOffset, recoveryPoint, epochs, topicId, cleanShutdown: opts.cleanShutdown, producerFree }
}

/**
 * Recovers the segments from the one holding the recovery point; returns the segments that
 * remain, and the offsets from the first recovered one up to the first batch with a producer id
 * (so that the producer state's replay need not read them again).
 */
async function recover(opts: LoadOptions, segments: LogSegment[], epochs: LeaderEpochCache): Promise<{ segments: LogSegment[]; producerFree: OffsetRange }> {
  const { ctx, dir } = opts
  const rp = opts.recoveryPoint ?? 0
  let from = 0
  while (from + 1 < segments.length && segments[from + 1]!.baseOffset <= rp) from++
  let firstProducerBatch: number | undefined
  const done = (remaining: LogSegment[]): { segments: LogSegment[]; producerFree: OffsetRange } => ({
    segments: remaining,
    producerFree: { from: segments[from]!.baseOffset, to: firstProducerBatch ?? remaining.at(-1)!.endOffset },
  })
  for (let i = from; i < segments.length; i++) {
    const s = segments[i]!
    const started = Date.now()
    let epochChanged = false
    const result = await s.recover((h) => {
      if (epochs.assign(h.partitionLeaderEpoch, h.baseOffset)) epochChanged = true
      if (firstProducerBatch === undefined && h.producerId >= 0) firstProducerBatch = h.baseOffset
    })
    if (epochChanged) await epochs.flush()
    const info = { dir, segment: s.baseOffset, bytes: result.validBytes, endOffset: result.nextOffset, ms: Date.now() - started }
    if (result.problem === null) {
      ctx.logger.info(info, 'recovered log segment')
      continue
    }
    const dropped = segments.slice(i + 1)
    ctx.logger.warn(
      { ...info, truncatedBytes: result.fileSize - result.validBytes, problem: result.problem, droppedSegments: dropped.map((d) => d.baseOffset) },
      'truncated log at the first invalid batch',
    )
    for (const d of dropped) await d.deleteFiles()
    return done(segments.slice(0, i + 1))
  }
  return done(segments)
}
