/**
 * The segment a clean writes: `<base>.log.cleaned` with its `.index.cleaned`,
 * `.timeindex.cleaned` and, when it keeps ABORT markers, `.txnindex.cleaned`, indexed as an append would index it (an offset index entry every
 * index.interval.bytes, the time index following the largest timestamp). Kafka's rename order
 * then swaps it in (PartitionLog.replaceSegments):
 *
 *   1. every `.cleaned` file → `.swap`     (from here recovery completes the swap)
 *   2. the replaced segments → `.deleted`  (removed after file.delete.delay.ms)
 *   3. every `.swap` file → its final name, then the dir is fsynced
 *
 * log-loader.ts finishes or rolls back a swap a crash interrupted (swap-recovery.ts).
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { BatchHeader } from '../../protocol/records/batch-header.js'
import { isNotFound } from '../file-io.js'
import { segmentFileName } from '../file-names.js'
import type { LogConfig } from '../log-config.js'
import type { AbortedTxn } from '../producer-state/producer-state-manager.js'
import { SEGMENT_SUFFIXES, emptyIndexes, writeIndexFiles, type Indexes } from '../segment-files.js'
import { encodeAbortedTxn } from '../transaction-index.js'

export const CLEANED_SUFFIX = '.cleaned'
export const SWAP_SUFFIX = '.swap'

export interface CleanedSegment {
  baseOffset: number
  size: number
}

export function segmentPaths(dir: string, baseOffset: number, suffix: string): string[] {
  return SEGMENT_SUFFIXES.map((s) => join(dir, segmentFileName(baseOffset, s) + suffix))
}

/** Renames a segment's files from one suffix to another; missing files (an index never written) are skipped. */
export async function renameSegmentSuffix(dir: string, baseOffset: number, from: string, to: string): Promise<void> {
  const src = segmentPaths(dir, baseOffset, from)
  const dst = segmentPaths(dir, baseOffset, to)
  for (const [i, path] of src.entries()) {
    try {
      await rename(path, dst[i]!)
    } catch (err) {
      if (!isNotFound(err)) throw err
    }
  }
}

export async function removeSegmentSuffix(dir: string, baseOffset: number, suffix: string): Promise<void> {
  await Promise.all(segmentPaths(dir, baseOffset, suffix).map((p) => rm(p, { force: true })))
}

export class CleanedSegmentWriter {
  readonly baseOffset: number
  readonly #dir: string
  readonly #fh: FileHandle
  readonly #indexes: Indexes
  readonly #indexIntervalBytes: number
  /** Batches gathered for the next write. */
  readonly #out: Buffer
  #outBytes = 0
  #size = 0
  #written = 0
  #bytesSinceLastIndexEntry = 0
  #maxTimestamp = -1
  #offsetOfMaxTimestamp: number
  readonly #view = BatchHeader.view(Buffer.alloc(0))

  private constructor(dir: string, baseOffset: number, fh: FileHandle, config: LogConfig, bufferBytes: number) {
    this.#out = Buffer.allocUnsafe(bufferBytes)
    this.#dir = dir
    this.baseOffset = baseOffset
    this.#fh = fh
    this.#indexes = emptyIndexes(baseOffset, config.segmentIndexBytes)
    this.#indexIntervalBytes = config.indexIntervalBytes
    this.#offsetOfMaxTimestamp = baseOffset
  }

  /** `bufferBytes`: output is gathered in a buffer of this size and written when it fills. */
  static async create(dir: string, baseOffset: number, config: LogConfig, bufferBytes: number): Promise<CleanedSegmentWriter> {
    const [logPath] = segmentPaths(dir, baseOffset, CLEANED_SUFFIX)
    return new CleanedSegmentWriter(dir, baseOffset, await open(logPath!, 'w'), config, bufferBytes)
  }

  get size(): number {
    return this.#size
  }

  /** Appends one whole batch; it may view a buffer its reader reuses, so it is copied before this resolves. */
  async append(batch: Buffer): Promise<void> {
    const h = this.#view.moveTo(batch, 0)
    if (h.maxTimestamp > this.#maxTimestamp) {
      this.#maxTimestamp = h.maxTimestamp
      this.#offsetOfMaxTimestamp = h.lastOffset
    }
    if (this.#bytesSinceLastIndexEntry > this.#indexIntervalBytes) {
      this.#indexes.offsets.append(h.lastOffset, this.#size)
      this.#indexes.times.maybeAppend(this.#maxTimestamp, this.#offsetOfMaxTimestamp)
      this.#bytesSinceLastIndexEntry = 0
    }
    this.#bytesSinceLastIndexEntry += batch.length
    this.#size += batch.length
    if (batch.length > this.#out.length - this.#outBytes) {
      await this.#write()
      // A batch larger than the buffer goes out on its own, before any other could be copied in.
      if (batch.length > this.#out.length) return this.#writeAll(batch)
    }
    this.#outBytes += batch.copy(this.#out, this.#outBytes)
  }

  async #write(): Promise<void> {
    const n = this.#outBytes
    this.#outBytes = 0
    await this.#writeAll(this.#out.subarray(0, n))
  }

  async #writeAll(data: Buffer): Promise<void> {
    for (let done = 0; done < data.length; ) {
      const { bytesWritten } = await this.#fh.write(data, done, data.length - done, this.#written)
      this.#written += bytesWritten
      done += bytesWritten
    }
  }

  /**
   * Writes what is buffered and the indexes (with the closing time index entry), fsynced, and
   * the transaction index with `aborted`, the transactions whose ABORT markers it keeps.
   */
  async finish(aborted: readonly AbortedTxn[]): Promise<CleanedSegment> {
    await this.#write()
    await this.#fh.sync()
    await this.#fh.close()
    this.#indexes.times.maybeAppend(this.#maxTimestamp, this.#offsetOfMaxTimestamp, true)
    const [, indexPath, timePath, txnPath] = segmentPaths(this.#dir, this.baseOffset, CLEANED_SUFFIX)
    await writeIndexFiles(indexPath!, timePath!, this.#indexes)
    if (aborted.length > 0) {
      const fh = await open(txnPath!, 'w')
      await fh.writeFile(Buffer.concat(aborted.map((t) => encodeAbortedTxn(t))))
      await fh.sync()
      await fh.close()
    }
    return { baseOffset: this.baseOffset, size: this.#size }
  }

  /** Gives up: closes and removes the `.cleaned` files. */
  async abort(): Promise<void> {
    await this.#fh.close().catch(() => {})
    await removeSegmentSuffix(this.#dir, this.baseOffset, CLEANED_SUFFIX)
  }
}
