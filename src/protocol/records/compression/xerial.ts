/**
 * Xerial snappy framing, written by snappy-java's SnappyOutputStream (the Java client and
 * Kafka's broker when it recompresses) and by kafka-python:
 *
 *   8 bytes  magic  0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00
 *   int32    version             (big-endian, 1)
 *   int32    compatible version  (big-endian, 1)
 *   blocks:  int32 length (big-endian), then `length` bytes of raw snappy holding at most
 *            one block size of input (32 KiB, snappy-java's default and Kafka's)
 *
 * A reader may meet a second header where a block length is due (streams written one after
 * the other); snappy-java skips it, and so do we.
 */
import { CompressionError } from './compression-error.js'

export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
export const XERIAL_HEADER_SIZE = 16
export const XERIAL_VERSION = 1
export const XERIAL_BLOCK_SIZE = 32 * 1024

export function hasXerialHeader(data: Buffer, pos = 0): boolean {
  return data.length - pos >= XERIAL_HEADER_SIZE && data.compare(XERIAL_MAGIC, 0, 8, pos, pos + 8) === 0
}

export function xerialHeader(): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_SIZE)
  XERIAL_MAGIC.copy(header, 0)
  header.writeInt32BE(XERIAL_VERSION, 8)
  header.writeInt32BE(XERIAL_VERSION, 12)
  return header
}

/** Splits the input into the chunks that become one block each. */
export function xerialChunks(data: Buffer, blockSize = XERIAL_BLOCK_SIZE): Buffer[] {
  const chunks: Buffer[] = []
  for (let pos = 0; pos < data.length; pos += blockSize) chunks.push(data.subarray(pos, pos + blockSize))
  return chunks
}

/** Header, then each compressed block behind its length. */
export function xerialFrame(blocks: readonly Buffer[]): Buffer {
  let size = XERIAL_HEADER_SIZE
  for (const block of blocks) size += 4 + block.length
  const out = Buffer.allocUnsafe(size)
  xerialHeader().copy(out, 0)
  let pos = XERIAL_HEADER_SIZE
  for (const block of blocks) {
    out.writeInt32BE(block.length, pos)
    pos += 4 + block.copy(out, pos + 4)
  }
  return out
}

/** The raw snappy blocks of a framed stream, as views into `data`. `data` must start with the header. */
export function xerialBlocks(data: Buffer): Buffer[] {
  const blocks: Buffer[] = []
  let pos = 0
  while (pos < data.length) {
    if (hasXerialHeader(data, pos)) {
      const version = data.readInt32BE(pos + 8)
      if (version < XERIAL_VERSION) throw new CompressionError('snappy', `xerial stream version ${version} is not supported`)
      pos += XERIAL_HEADER_SIZE
      continue
    }
    if (data.length - pos < 4) throw new CompressionError('snappy', `xerial stream ends inside a block length at byte ${pos}`)
    const length = data.readInt32BE(pos)
    pos += 4
    if (length < 0 || length > data.length - pos)
      throw new CompressionError('snappy', `xerial block of ${length} bytes at byte ${pos - 4} overruns the ${data.length}-byte stream`)
    blocks.push(data.subarray(pos, pos + length))
    pos += length
  }
  return blocks
}
