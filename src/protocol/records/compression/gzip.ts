/**
 * gzip (compression type 1): an RFC 1952 gzip stream, as java.util.zip.GZIPOutputStream
 * writes it. Decoding accepts several concatenated members, as GZIPInputStream does.
 * Kafka's default level is -1 (zlib's default, 6). node:zlib's async calls run on libuv's
 * thread pool, one hop per output chunk: 64 KiB chunks instead of the default 16 KiB made
 * async gzip 1.5x and gunzip 2.3x faster here on 1 MiB.
 */
import { promisify } from 'node:util'
import { gunzip, gunzipSync, gzip, gzipSync, type ZlibOptions } from 'node:zlib'
import type { Codec } from './codec.js'
import { decodeWith, decodeWithAsync } from './compression-error.js'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

const CHUNK_SIZE = 64 * 1024

function options(level?: number): ZlibOptions {
  return level === undefined ? { chunkSize: CHUNK_SIZE } : { chunkSize: CHUNK_SIZE, level }
}

export const gzipCodec: Codec = {
  name: 'gzip',
  compress: (data, level) => gzipAsync(data, options(level)),
  compressSync: (data, level) => gzipSync(data, options(level)),
  decompress: (data) => decodeWithAsync('gzip', () => gunzipAsync(data, options())),
  decompressSync: (data) => decodeWith('gzip', () => gunzipSync(data, options())),
}
