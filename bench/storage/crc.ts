/** CRC-32C: the JS slice-by-8 table next to the native @node-rs/crc32, at batch-like sizes. */
import { randomBytes } from 'node:crypto'
import { crc32cJs, crc32cNative } from '../../src/protocol/primitives/crc32c.js'

export interface CrcFigure {
  bytes: number
  jsMBps: number
  nativeMBps: number | null
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
  return [64, 128, 256, 512, 1024, 16 * 1024, 1024 * 1024].map((bytes) => {
    const native = crc32cNative()
    // As validateBatch calls it: a span inside a larger buffer (native needs a subarray for that).
    const whole = randomBytes(bytes + 21)
    return {
      bytes,
      jsMBps: rate(() => crc32cJs(whole, 21, whole.length), bytes),
      nativeMBps: native === null ? null : rate(() => native(whole.subarray(21)), bytes),
    }
  })
}
