/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of a v2 RecordBatch.
 *
 * Three implementations, fastest first: the project's own addon (native/crc32c.c: SSE4.2,
 * three interleaved chains), the native package @node-rs/crc32, and a slice-by-8 table in
 * JS. Measured on this project's machine (bench/storage.ts): the addon runs at 12 GB/s on
 * 16 KiB batches and ~100 ns per call, @node-rs/crc32 at 4.5 GB/s and ~300 ns per call (plus a
 * subarray), JS at 0.5-0.8 GB/s. Below a native's break-even length the table wins; `crc32c`
 * picks by length. The addon is built by `npm install` where a compiler is at hand; without
 * it (or on a CPU without SSE4.2) the package serves, and without both the table.
 */
import { createRequire } from 'node:module'
import { nativeAddon } from '../../native-addon.js'

/** CRC-32C of buf[start, end). */
export type RangeCrc = (buf: Uint8Array, start: number, end: number) => number

export interface NativeCrc {
  readonly crc: RangeCrc
  /** Below this many bytes the JS table is faster than the call. */
  readonly minBytes: number
}

const POLY = 0x82f63b78

/** Eight 256-entry tables, laid end to end: table k at [k*256, k*256+256). */
const TABLE = buildTables()

function buildTables(): Int32Array {
  const t = new Int32Array(8 * 256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1
    t[n] = c
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8)
      t[k * 256 + n] = c
    }
  }
  return t
}

/** CRC-32C of buf[start, end) in JS (slice-by-8), continuing from `crc` (0 for a fresh checksum). */
export function crc32cJs(buf: Uint8Array, start = 0, end = buf.length, crc = 0): number {
  const t = TABLE
  let c = ~crc
  let i = start
  for (const stop = end - 8; i <= stop; i += 8) {
    const a = c ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24))
    const b = buf[i + 4]! | (buf[i + 5]! << 8) | (buf[i + 6]! << 16) | (buf[i + 7]! << 24)
    c =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + (b & 0xff)]! ^
      t[512 + ((b >>> 8) & 0xff)]! ^
      t[256 + ((b >>> 16) & 0xff)]! ^
      t[b >>> 24]!
  }
  for (; i < end; i++) c = t[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}

/** The project addon's CRC, when it was built for this CPU. */
export function loadAddonCrc(): NativeCrc | null {
  const crc = nativeAddon()?.crc32c
  return crc === undefined ? null : { crc, minBytes: 96 }
}

export function loadPackageCrc(): NativeCrc | null {
  try {
    const mod = createRequire(import.meta.url)('@node-rs/crc32') as { crc32c?: (input: Uint8Array) => number }
    const whole = mod.crc32c
    if (typeof whole !== 'function') return null
    return { crc: (buf, start, end) => whole(start === 0 && end === buf.length ? buf : buf.subarray(start, end)), minBytes: 256 }
  } catch {
    return null
  }
}

/** undefined until the first CRC that wants it: loading an addon is milliseconds of start-up. */
let native: NativeCrc | null | undefined

/** The fastest native implementation available, or null when neither loads on this platform. */
export function crc32cNative(): NativeCrc | null {
  if (native === undefined) native = loadAddonCrc() ?? loadPackageCrc()
  return native
}

/** CRC-32C of buf[start, end): the faster implementation for the length. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  const fast = native === undefined ? crc32cNative() : native
  return fast === null || end - start < fast.minBytes ? crc32cJs(buf, start, end) : fast.crc(buf, start, end)
}
