/**
 * Start-up cleanup of a clean interrupted by a crash, as Kafka's LogLoader does it before it
 * lists segments (phases in cleaned-segment.ts):
 *
 * - `.cleaned` files: the swap had not begun; they are removed and the old segments stand.
 *   A `.swap` at or above the lowest `.cleaned` base belongs to the same unfinished work and
 *   is removed too.
 * - `<base>.log.swap`: the swap had begun; it is finished. Segment files (not swaps) with a base
 *   offset in [base, the swap's next offset) are the replaced segments: removed. Then the swap
 *   files take their final names. Index `.swap` files are removed instead: the segment's
 *   indexes are rebuilt from its log when first needed.
 */
import { open, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { BatchCursor } from '../batch-cursor.js'
import { fsyncDir } from '../file-io.js'
import { CLEANED_SUFFIX, SWAP_SUFFIX } from './cleaned-segment.js'

const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex|txnindex)(\.cleaned|\.swap)?$/

/** The offset after the last whole batch of a segment file (its base when it has none). */
async function nextOffsetOf(path: string, baseOffset: number): Promise<number> {
  const fh = await open(path, 'r')
  try {
    const cursor = new BatchCursor(fh.fd, 0, (await fh.stat()).size, 1 << 20)
    let next = baseOffset
    for (let step = await cursor.next(false); step.kind === 'batch'; step = await cursor.next(false)) next = step.header.nextOffset
    return next
  } finally {
    await fh.close()
  }
}

/** Returns true when it changed anything. */
export async function recoverInterruptedSwaps(dir: string, logger: Logger): Promise<boolean> {
  const names = await readdir(dir)
  const files = names.flatMap((name) => {
    const m = SEGMENT_FILE.exec(name)
    return m === null ? [] : [{ name, base: Number(m[1]), kind: m[2]!, suffix: m[3] ?? '' }]
  })
  const cleaned = files.filter((f) => f.suffix === CLEANED_SUFFIX)
  const swaps = files.filter((f) => f.suffix === SWAP_SUFFIX)
  if (cleaned.length === 0 && swaps.length === 0) return false

  const minCleaned = Math.min(...cleaned.map((f) => f.base))
  for (const f of cleaned) await rm(join(dir, f.name), { force: true })
  const logSwaps: Array<{ name: string; base: number }> = []
  for (const f of swaps) {
    if (f.kind === 'log' && f.base < minCleaned) logSwaps.push(f)
    else await rm(join(dir, f.name), { force: true })
  }

  let minSwap = Infinity
  let maxSwap = -Infinity
  for (const s of logSwaps) {
    minSwap = Math.min(minSwap, s.base)
    maxSwap = Math.max(maxSwap, await nextOffsetOf(join(dir, s.name), s.base))
  }
  const swapBases = new Set(logSwaps.map((s) => s.base))
  for (const f of files) {
    if (f.suffix !== '') continue
    if ((f.base >= minSwap && f.base < maxSwap) || swapBases.has(f.base)) await rm(join(dir, f.name), { force: true })
  }
  for (const s of logSwaps) {
    await rename(join(dir, s.name), join(dir, s.name.slice(0, -SWAP_SUFFIX.length)))
    logger.info({ dir, segment: s.base, size: (await stat(join(dir, s.name.slice(0, -SWAP_SUFFIX.length)))).size }, 'completed a log clean interrupted by a crash')
  }
  if (cleaned.length > 0) logger.info({ dir, from: minCleaned }, 'discarded an unfinished log clean')
  await fsyncDir(dir)
  return true
}
