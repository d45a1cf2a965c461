/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of a v2 RecordBatch.
 *
 * Two implementations: a slice-by-8 table in JS, and the hardware-accelerated one in the
 * native package @node-rs/crc32. Measured on this project's machine (bench/storage.ts):
 * JS runs at ~0.5-0.8 GB/s, native at 3-5 GB/s on 16 KiB batches, but each native call
 * costs ~300 ns (N-API plus a subarray), so below ~256 bytes the table wins; `crc32c`
 * picks by length. When the native package cannot load (a platform without a
 * prebuilt binary), the JS table serves every length.
 */
import { createRequire } from 'node:module'

type NativeCrc = (input: Uint8Array, initialState?: number) => number

const POLY = 0x82f63b78
/** Below this many bytes the JS table beats the native call (see the module comment). */
const NATIVE_MIN_BYTES = 256

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

/** undefined until the first CRC that wants it: loading the addon is milliseconds of start-up. */
let native: NativeCrc | null | undefined

/** The native implementation, or null when the package is unavailable on this platform. */
export function crc32cNative(): NativeCrc | null {
  if (native === undefined) {
    try {
      const mod = createRequire(import.meta.url)('@node-rs/crc32') as { crc32c?: NativeCrc }
      native = typeof mod.crc32c === 'function' ? mod.crc32c : null
    } catch {
      native = null
    }
  }
  return native
}

/** CRC-32C of buf[start, end): the faster implementation for the length. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  if (end - start < NATIVE_MIN_BYTES) return crc32cJs(buf, start, end)
  const fast = native === undefined ? crc32cNative() : native
  return fast === null ? crc32cJs(buf, start, end) : fast(start === 0 && end === buf.length ? buf : buf.subarray(start, end))
}
