/** CRC-32C: the JS slice-by-8 table next to the project addon and @node-rs/crc32, at batch-like sizes. */
import { randomBytes } from 'node:crypto'
import { crc32cJs, loadAddonCrc, loadPackageCrc, type RangeCrc } from '../../src/protocol/primitives/crc32c.js'

export interface CrcFigure {
  bytes: number
  jsMBps: number
  addonMBps: number | null
  packageMBps: number | null
}

function rate(fn: () => number, bytes: number): number {
  const budgetMs = 150
  let iters = 0
  for (let i = 0; i < 1000; i++) fn()
  const t0 = performance.now()
  let t = t0
  while (t - t0 < budgetMs) {
    for (let i = 0; i < 100; i++) fn()
    iters += 100
    t = performance.now()
  }
  return (bytes * iters) / (1024 * 1024) / ((t - t0) / 1000)
}

export function benchCrc(): CrcFigure[] {
  const addon = loadAddonCrc()
  const pkg = loadPackageCrc()
  return [32, 64, 128, 256, 512, 1024, 16 * 1024, 64 * 1024, 1024 * 1024].map((bytes) => {
    // As validateBatch calls it: a span inside a larger buffer.
    const whole = randomBytes(bytes + 21)
    const of = (crc: RangeCrc | undefined): number | null => (crc === undefined ? null : rate(() => crc(whole, 21, whole.length), bytes))
    return { bytes, jsMBps: rate(() => crc32cJs(whole, 21, whole.length), bytes), addonMBps: of(addon?.crc), packageMBps: of(pkg?.crc) }
  })
}
