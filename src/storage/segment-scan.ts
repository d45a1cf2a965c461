/**
 * Validates a segment file batch by batch, as recovery does after an unclean shutdown:
 * length, magic, CRC-32C, offsets increasing (contiguous unless the log is compacted),
 * offsets fitting the index's int32 relative form, leader epochs never decreasing. The
 * scan stops at the first bad byte; everything before it is valid.
 */
import type { BatchHeader } from '../protocol/records/batch-header.js'
import { validateBatch } from '../protocol/records/validate-batch.js'
import { BatchCursor } from './batch-cursor.js'

export interface ScanOptions {
  baseOffset: number
  /** Require each batch to start right after the previous (true unless cleanup.policy has compact). */
  contiguous: boolean
  /** Called for each valid batch with its header and file position (the header is reused after the call). */
  onBatch: (header: BatchHeader, position: number, size: number) => void
}

export interface ScanResult {
  /** Bytes of valid batches from the start of the file. */
  validBytes: number
  /** The offset after the last valid batch (the base offset if there is none). */
  nextOffset: number
  /** What is wrong at `validBytes`, or null when the whole file is valid. */
  problem: string | null
}

/** 1 MiB reads: large enough that a scan costs little more than the reads themselves. */
const SCAN_CHUNK = 1 << 20
const INT32_MAX = 2 ** 31 - 1

export async function scanSegment(fd: number, fileSize: number, opts: ScanOptions): Promise<ScanResult> {
  const cursor = new BatchCursor(fd, 0, fileSize, SCAN_CHUNK, true)
  let nextOffset = opts.baseOffset
  let lastEpoch = -1
  let validBytes = 0
  const done = (problem: string | null): ScanResult => ({ validBytes, nextOffset, problem })
  for (;;) {
    const step = await cursor.next(true)
    if (step.kind === 'end') return done(null)
    if (step.kind === 'invalid') return done(step.reason)
    const h = step.header
    const check = validateBatch(h.buffer, h.position, { denseOffsets: false })
    if (!check.ok) return done(check.message)
    const base = h.baseOffset
    if (opts.contiguous ? base !== nextOffset : base < nextOffset)
      return done(`batch base offset ${base} where ${nextOffset} was expected`)
    if (h.lastOffset - opts.baseOffset > INT32_MAX) return done(`offset ${h.lastOffset} overflows the segment's index`)
    const epoch = h.partitionLeaderEpoch
    if (epoch < lastEpoch) return done(`leader epoch ${epoch} after ${lastEpoch}`)
    lastEpoch = epoch
    opts.onBatch(h, step.position, step.size)
    nextOffset = h.nextOffset
    validBytes = step.position + step.size
  }
}
