/**
 * The producer side of one PartitionLog: its ProducerStateManager, the per-segment transaction
 * indexes, and the snapshot files that let a restart skip rebuilding the state from the log.
 *
 * Snapshots (`<offset>.snapshot`, producer-snapshot.ts) are taken when a segment rolls and at a
 * clean shutdown, named by the offset the state covers up to. At start-up the state is loaded
 * from the latest snapshot not beyond the log end and the records after it are replayed (Kafka's
 * rebuildProducerState); aborted transactions found while replaying are indexed again in their
 * segments' .txnindex files, which are first cut back to what precedes the replay. As in Kafka,
 * a clean shutdown that left no snapshot at all (logs written before producer state existed)
 * is not replayed: the state starts empty there.
 */
import type { Logger } from 'pino'
import { BatchHeader } from '../../protocol/records/batch-header.js'
import type { OffsetRange } from '../partition-log-types.js'
import { TXN_INDEX_SUFFIX, TransactionIndex } from '../transaction-index.js'
import type { AppendOrigin } from './producer-append-info.js'
import { CorruptSnapshotError, deleteSnapshotFile, encodeSnapshot, listSnapshots, readSnapshotFile, writeSnapshotFile } from './producer-snapshot.js'
import { ProducerStateManager, type AbortedTxn, type ProducerCheck } from './producer-state-manager.js'

/** What recovery needs from its log. */
export interface ProducerRecoverySource {
  readonly dir: string
  readonly logStartOffset: number
  readonly logEndOffset: number
  readonly cleanShutdown: boolean
  /** Offsets known to hold no batch with a producer id: nothing there changes the state. */
  readonly producerFree: OffsetRange | undefined
  /** Base offsets of the segments, ascending. */
  readonly segmentBases: readonly number[]
  /** Whole batches from `offset` (at least one), as PartitionLog.read returns them. */
  read(offset: number, maxBytes: number): Promise<Buffer>
  /** The path of a segment's file with `suffix` (the segment's current name). */
  segmentPath(base: number, suffix: string): string
}

/** Bytes read at a time while replaying the log. */
const REPLAY_CHUNK = 1024 * 1024
const EMPTY = Buffer.alloc(0)

export class LogProducerState {
  readonly state: ProducerStateManager
  readonly #dir: string
  readonly #logger: Logger
  readonly #segmentPath: (base: number, suffix: string) => string
  readonly #txnIndexes = new Map<number, TransactionIndex>()
  /** Snapshot offsets on disk, ascending. */
  #snapshots: number[] = []
  #snapshotWrites: Promise<void> = Promise.resolve()

  constructor(dir: string, tp: string, logger: Logger, segmentPath: (base: number, suffix: string) => string) {
    this.#dir = dir
    this.#logger = logger
    this.#segmentPath = segmentPath
    this.state = new ProducerStateManager(tp)
  }

  check(batches: Buffer, origin: AppendOrigin): ProducerCheck {
    return this.state.check(batches, origin)
  }

  txnIndex(segmentBase: number): TransactionIndex {
    let idx = this.#txnIndexes.get(segmentBase)
    if (idx === undefined) {
      idx = new TransactionIndex(() => this.#segmentPath(segmentBase, TXN_INDEX_SUFFIX))
      this.#txnIndexes.set(segmentBase, idx)
    }
    return idx
  }

  /** Records aborts whose markers were written to the segment at `segmentBase`. */
  indexAborted(segmentBase: number, aborted: readonly AbortedTxn[]): void {
    const idx = this.txnIndex(segmentBase)
    for (const a of aborted) idx.append(a).catch((err: unknown) => this.#logger.error({ err, segment: segmentBase }, 'writing the transaction index failed'))
  }

  /**
   * Kafka's collectAbortedTransactions: the aborted transactions overlapping [startOffset,
   * upperBoundOffset), from the segment holding startOffset on, until an entry shows the rest
   * lies beyond the bound.
   */
  async collectAborted(segmentBases: readonly number[], startOffset: number, upperBoundOffset: number): Promise<AbortedTxn[]> {
    const all: AbortedTxn[] = []
    let i = segmentBases.length - 1
    while (i > 0 && segmentBases[i]! > startOffset) i--
    for (; i < segmentBases.length; i++) {
      const found = await this.txnIndex(segmentBases[i]!).collect(startOffset, upperBoundOffset)
      all.push(...found.aborted)
      if (found.complete) break
    }
    return all
  }

  /** Segments were deleted: their indexes go with them, and snapshots below the new start but the latest. */
  onSegmentsDeleted(bases: readonly number[], logStartOffset: number): void {
    for (const b of bases) this.#txnIndexes.delete(b)
    const stale = this.#snapshots.filter((s, i) => s < logStartOffset && i < this.#snapshots.length - 1)
    if (stale.length === 0) return
    this.#snapshots = this.#snapshots.filter((s) => !stale.includes(s))
    this.#queueSnapshotWork(async () => {
      for (const s of stale) await deleteSnapshotFile(this.#dir, s)
    })
  }

  /** Writes the state as of `offset` (the offset after the last append it holds); one write at a time. */
  takeSnapshot(offset: number): Promise<void> {
    if (this.#snapshots.at(-1) === offset) return this.#snapshotWrites
    const data = encodeSnapshot(this.state.activeProducers())
    this.#snapshots = [...this.#snapshots.filter((s) => s !== offset), offset]
    return this.#queueSnapshotWork(async () => {
      const started = Date.now()
      await writeSnapshotFile(this.#dir, offset, data)
      this.#logger.debug({ offset, producers: this.state.producerCount, ms: Date.now() - started }, 'wrote producer snapshot')
    })
  }

  #queueSnapshotWork(fn: () => Promise<void>): Promise<void> {
    const run = this.#snapshotWrites.then(fn)
    this.#snapshotWrites = run.catch((err: unknown) => this.#logger.error({ err }, 'producer snapshot file operation failed'))
    return run
  }

  /** Resolves once snapshot writes and transaction index appends so far are on disk. */
  async flushed(): Promise<void> {
    await this.#snapshotWrites
    await Promise.all([...this.#txnIndexes.values()].map((i) => i.flushed()))
  }

  /** Loads the state at start-up (see the header). */
  async recover(src: ProducerRecoverySource, now: number, expirationMs: number): Promise<void> {
    const end = src.logEndOffset
    let snapshots = await listSnapshots(src.dir)
    for (const s of snapshots.filter((o) => o > end)) await deleteSnapshotFile(src.dir, s)
    snapshots = snapshots.filter((o) => o <= end)
    if (snapshots.length === 0 && src.cleanShutdown) {
      this.#snapshots = []
      if (end > src.logStartOffset) await this.takeSnapshot(end)
      return
    }
    let from = src.logStartOffset
    while (snapshots.length > 0) {
      const latest = snapshots.at(-1)!
      try {
        this.state.load((await readSnapshotFile(src.dir, latest)).filter((e) => e.currentTxnFirstOffset >= 0 || now - e.lastTimestamp < expirationMs))
        from = Math.max(latest, src.logStartOffset)
        break
      } catch (err) {
        if (!(err instanceof CorruptSnapshotError)) throw err
        this.#logger.warn({ dir: src.dir, offset: latest, err: err.message }, 'deleting a corrupt producer snapshot')
        await deleteSnapshotFile(src.dir, latest)
        snapshots.pop()
      }
    }
    this.#snapshots = snapshots
    if (from >= end) return
    const started = Date.now()
    await this.#replay(src, from)
    this.#logger.info({ dir: src.dir, from, to: end, producers: this.state.producerCount, ms: Date.now() - started }, 'rebuilt producer state from the log')
    await this.takeSnapshot(end)
  }

  /** Replays the batches in [from, log end) into the state, re-indexing the aborts they complete. */
  async #replay(src: ProducerRecoverySource, from: number): Promise<void> {
    const bases = src.segmentBases
    const segmentOf = (offset: number): number => {
      let i = bases.length - 1
      while (i > 0 && bases[i]! > offset) i--
      return bases[i]!
    }
    const first = segmentOf(from)
    for (const b of bases) if (b >= first) await this.txnIndex(b).truncateTo(b === first ? from : b)
    const h = BatchHeader.view(EMPTY, 0)
    const skip = src.producerFree
    for (let offset = from; offset < src.logEndOffset; ) {
      if (skip !== undefined && offset >= skip.from && offset < skip.to) {
        offset = skip.to
        continue
      }
      const chunk = await src.read(offset, REPLAY_CHUNK)
      if (chunk.length === 0) break
      // The first batch may start below `offset` (it holds it); skip what the state already covers.
      let start = 0
      for (; start < chunk.length; start += h.sizeInBytes) if (h.moveTo(chunk, start).lastOffset >= from) break
      let end = start
      for (; end < chunk.length; end += h.sizeInBytes) offset = h.moveTo(chunk, end).nextOffset
      const result = this.state.check(chunk.subarray(start, end), 'replication')
      if (result.duplicate === null) {
        for (const a of result.aborted) this.indexAborted(segmentOf(a.lastOffset), [a])
      }
    }
    this.state.onHighWatermarkUpdated(src.logEndOffset)
  }
}
