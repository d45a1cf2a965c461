/**
 * Leader epochs of one partition and the first offset each began at, persisted as
 * `leader-epoch-checkpoint` (checkpoint format, entries "epoch startOffset"). A fresh
 * partition led in epoch 0 holds `0\n1\n0 0\n`.
 */
import { join } from 'node:path'
import { CheckpointFormatError, readCheckpoint, writeCheckpoint } from './checkpoint-file.js'

export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint'

export interface EpochEntry {
  epoch: number
  startOffset: number
}

export class LeaderEpochCache {
  readonly #path: string
  #entries: EpochEntry[]
  /** Writes run one after another so that the last state always lands last. */
  #writing: Promise<void> = Promise.resolve()

  private constructor(path: string, entries: EpochEntry[]) {
    this.#path = path
    this.#entries = entries
  }

  static async load(dir: string): Promise<LeaderEpochCache> {
    const path = join(dir, LEADER_EPOCH_CHECKPOINT)
    const entries = (await readCheckpoint(path)).map((line) => {
      const [e, o] = line.split(' ').map(Number)
      if (!Number.isSafeInteger(e) || !Number.isSafeInteger(o)) throw new CheckpointFormatError(`${path}: malformed entry ${line}`)
      return { epoch: e!, startOffset: o! }
    })
    return new LeaderEpochCache(path, entries)
  }

  get entries(): readonly EpochEntry[] {
    return this.#entries
  }

  /** The latest epoch, or -1 when none is known. */
  get latestEpoch(): number {
    return this.#entries.at(-1)?.epoch ?? -1
  }

  /** Records that `epoch` starts at `startOffset`, if it is newer than the latest. Returns whether it changed. */
  assign(epoch: number, startOffset: number): boolean {
    if (epoch < 0 || epoch <= this.latestEpoch) return false
    this.#entries = this.#entries.filter((e) => e.startOffset < startOffset)
    this.#entries.push({ epoch, startOffset })
    return true
  }

  /** The epoch of the batch holding `offset` (-1 if unknown). */
  epochForOffset(offset: number): number {
    let epoch = -1
    for (const e of this.#entries) {
      if (e.startOffset > offset) break
      epoch = e.epoch
    }
    return epoch
  }

  /**
   * For OffsetsForLeaderEpoch: the largest epoch <= `epoch` and the offset where the next one
   * starts (or `logEndOffset`); { -1, -1 } when `epoch` predates every entry.
   */
  endOffsetFor(epoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    let i = this.#entries.length - 1
    while (i >= 0 && this.#entries[i]!.epoch > epoch) i--
    if (i < 0) return { epoch: -1, endOffset: -1 }
    const next = this.#entries[i + 1]
    return { epoch: this.#entries[i]!.epoch, endOffset: next ? next.startOffset : logEndOffset }
  }

  /** Drops epochs starting at or after `endOffset` (the log was truncated there). */
  truncateFromEnd(endOffset: number): boolean {
    const kept = this.#entries.filter((e) => e.startOffset < endOffset)
    const changed = kept.length !== this.#entries.length
    this.#entries = kept
    return changed
  }

  /** The log now starts at `startOffset`: the epoch covering it is moved up to start there. */
  truncateFromStart(startOffset: number): boolean {
    let i = 0
    while (i + 1 < this.#entries.length && this.#entries[i + 1]!.startOffset <= startOffset) i++
    const first = this.#entries[i]
    if (first === undefined || (i === 0 && first.startOffset >= startOffset)) return false
    this.#entries = [{ epoch: first.epoch, startOffset: Math.max(first.startOffset, startOffset) }, ...this.#entries.slice(i + 1)]
    return true
  }

  /** Persists the current entries; resolves when they are on disk. */
  flush(): Promise<void> {
    const lines = this.#entries.map((e) => `${e.epoch} ${e.startOffset}`)
    this.#writing = this.#writing.catch(() => {}).then(() => writeCheckpoint(this.#path, lines))
    return this.#writing
  }
}
