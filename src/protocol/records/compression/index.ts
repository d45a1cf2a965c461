/**
 * Record-batch compression: Kafka's compression type (attributes bits 0-2) to codec.
 * Type 0 (none) passes bytes through; 5-7 are not Kafka codecs and raise CompressionError.
 * The native packages load on first use (lazy-require.ts).
 *
 * The async forms hand inputs of ASYNC_MIN_BYTES or more to libuv's thread pool where the
 * package allows; below that the hop costs more than the work, so they run inline.
 */
import type { CompressionType } from '../attributes.js'
import type { Codec } from './codec.js'
import { CompressionError } from './compression-error.js'
import { gzipCodec } from './gzip.js'
import { lz4Codec } from './lz4.js'
import { snappyCodec } from './snappy.js'
import { zstdCodec } from './zstd.js'

export type { CompressionType } from '../attributes.js'
export type { Codec, CodecName } from './codec.js'
export { CompressionError } from './compression-error.js'

export const ASYNC_MIN_BYTES = 64 * 1024

const codecs: readonly (Codec | undefined)[] = [undefined, gzipCodec, snappyCodec, lz4Codec, zstdCodec]

/** The codec for a compression type other than none. */
export function codecFor(type: number): Codec {
  const codec = codecs[type]
  if (codec === undefined) throw new CompressionError(`type ${type}`, 'not a compression codec Kafka defines')
  return codec
}

function emptyInput(codec: Codec): CompressionError {
  return new CompressionError(codec.name, 'no bytes to decompress: every format has a header')
}

export async function compress(type: CompressionType, data: Buffer, level?: number): Promise<Buffer> {
  if (type === 0) return data
  const codec = codecFor(type)
  return data.length < ASYNC_MIN_BYTES ? codec.compressSync(data, level) : codec.compress(data, level)
}

export async function decompress(type: CompressionType, data: Buffer): Promise<Buffer> {
  if (type === 0) return data
  const codec = codecFor(type)
  if (data.length === 0) throw emptyInput(codec)
  return data.length < ASYNC_MIN_BYTES ? codec.decompressSync(data) : codec.decompress(data)
}

export function compressSync(type: CompressionType, data: Buffer, level?: number): Buffer {
  return type === 0 ? data : codecFor(type).compressSync(data, level)
}

export function decompressSync(type: CompressionType, data: Buffer): Buffer {
  if (type === 0) return data
  const codec = codecFor(type)
  if (data.length === 0) throw emptyInput(codec)
  return codec.decompressSync(data)
}
