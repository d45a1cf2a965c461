/**
 * gzip (compression type 1): an RFC 1952 gzip stream, as java.util.zip.GZIPOutputStream
 * writes it. Decoding accepts several concatenated members, as GZIPInputStream does.
 * Kafka's default level is -1 (zlib's default, 6). node:zlib's async calls run on libuv's
 * thread pool.
 */
import { promisify } from 'node:util'
import { gunzip, gunzipSync, gzip, gzipSync, type ZlibOptions } from 'node:zlib'
import type { Codec } from './codec.js'
import { decodeWith, decodeWithAsync } from './compression-error.js'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

function options(level: number | undefined): ZlibOptions {
  return level === undefined ? {} : { level }
}

export const gzipCodec: Codec = {
  name: 'gzip',
  compress: (data, level) => gzipAsync(data, options(level)),
  compressSync: (data, level) => gzipSync(data, options(level)),
  decompress: (data) => decodeWithAsync('gzip', () => gunzipAsync(data)),
  decompressSync: (data) => decodeWith('gzip', () => gunzipSync(data)),
}
