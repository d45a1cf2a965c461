/**
 * Brook's own native addon (native/: CRC-32C and a queue of file writes), built by `npm install`
 * (scripts/build-native.mjs). Optional: without a compiler, or on another architecture, it is
 * absent or lacks a function, and each user falls back to a JS or node:fs path.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface BrookAddon {
  /** CRC-32C of buf[start, end); only on x86-64 CPUs with SSE4.2. */
  crc32c?: (buf: Uint8Array, start: number, end: number) => number
  /**
   * A queue of positioned writes done by up to `threads` writer threads of its own
   * (native/write-queue.c). The returned function queues writes: `writes` holds [id, fd,
   * position, buffer count] per write, `buffers` every write's buffers in order. As writes
   * finish, onWritten(count) finds [id, bytes written or -errno] for `count` of them in `results`.
   */
  createWriteQueue?: (onWritten: (count: number) => void, results: Float64Array, threads: number) => QueueWrites
}

/** Queues positioned writes: see BrookAddon.createWriteQueue. */
export type QueueWrites = (writes: Float64Array, buffers: readonly Uint8Array[]) => void

const ADDON = join('native', 'build', 'Release', 'brook.node')

/** undefined until first asked for: loading it costs start-up time. */
let addon: BrookAddon | null | undefined

/** The addon, or null when it was not built. */
export function nativeAddon(): BrookAddon | null {
  if (addon === undefined) addon = load()
  return addon
}

/** Found from this module's folder up: src/, dist/ and the bundled dist/bin/ sit at different depths. */
function load(): BrookAddon | null {
  const require = createRequire(import.meta.url)
  for (let dir = dirname(fileURLToPath(import.meta.url)), up = 0; up < 4; up++, dir = dirname(dir)) {
    const path = join(dir, ADDON)
    if (!existsSync(path)) continue
    try {
      return require(path) as BrookAddon
    } catch {
      return null
    }
  }
  return null
}
