/**
 * lz4 (compression type 3): an LZ4 frame (see lz4-frame.ts). Encoding writes Kafka's own
 * frame, compressing each 64 KiB block with lz4-napi (lz4_flex) and, in the async form, all
 * blocks at once on libuv's thread pool. Decoding uses lz4-napi's frame decoder, which also
 * takes what other writers produce: linked blocks, block and content checksums, a content
 * size, any block size; it verifies the header, block and content checksums.
 *
 * Levels: lz4_flex has one compressor, the fast one, which is also what Kafka uses at its
 * default level 9; Kafka's other levels select LZ4 HC, which lz4_flex lacks, so every level
 * gives the default level's bytes (a ratio difference, not a format one).
 *
 * Measured alternatives: the `lz4` package fails on linked blocks ("Invalid data block") and
 * accepts a corrupted end mark; lz4js verifies no checksum and misreads frames with block
 * checksums, and writes linked blocks, which Java's reader rejects.
 */
import type { Codec } from './codec.js'
import { decodeWith, decodeWithAsync } from './compression-error.js'
import { lazyRequire } from './lazy-require.js'
import { lz4Chunks, lz4Frame } from './lz4-frame.js'

const lz4 = lazyRequire<typeof import('lz4-napi')>('lz4-napi')

/** lz4-napi puts the input size (uint32 LE) in front of the raw block; the frame has no room for it. */
const SIZE_PREFIX = 4

function compressSync(data: Buffer): Buffer {
  const chunks = lz4Chunks(data)
  return lz4Frame(chunks, chunks.map((chunk) => lz4().compressSync(chunk).subarray(SIZE_PREFIX)))
}

async function compress(data: Buffer): Promise<Buffer> {
  const chunks = lz4Chunks(data)
  const blocks = await Promise.all(chunks.map((chunk) => lz4().compress(chunk)))
  return lz4Frame(chunks, blocks.map((block) => block.subarray(SIZE_PREFIX)))
}

export const lz4Codec: Codec = {
  name: 'lz4',
  compress: (data) => compress(data),
  compressSync: (data) => compressSync(data),
  decompress: (data) => decodeWithAsync('lz4', () => lz4().decompressFrame(data)),
  decompressSync: (data) => decodeWith('lz4', () => lz4().decompressFrameSync(data)),
}
