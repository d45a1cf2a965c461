/**
 * The LZ4 frame Kafka writes (KafkaLZ4BlockOutputStream, LZ4 frame format v1.5.1):
 *
 *   uint32 LE  magic 0x184D2204                      04 22 4D 18
 *   uint8      FLG 0x60: version 01, blocks independent, no block or content checksum,
 *              no content size
 *   uint8      BD 0x40: 64 KiB maximum block size
 *   uint8      HC 0x82: second byte of xxHash32(FLG BD, seed 0). Kafka wrote a wrong HC
 *              (hashing the magic too) only for magic 0 message sets, never for v2 batches.
 *   blocks:    uint32 LE size, high bit set when the block is stored uncompressed, then the
 *              block: each holds at most 64 KiB of input and needs no earlier block to decode
 *   uint32 LE  0: end mark
 *
 * Java's reader rejects linked blocks, so this is the only block mode worth writing.
 */

export const LZ4_FRAME_HEADER = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82])
export const LZ4_BLOCK_SIZE = 64 * 1024
const UNCOMPRESSED_BIT = 0x80000000

/** Splits the input into the chunks that become one block each. */
export function lz4Chunks(data: Buffer): Buffer[] {
  const chunks: Buffer[] = []
  for (let pos = 0; pos < data.length; pos += LZ4_BLOCK_SIZE) chunks.push(data.subarray(pos, pos + LZ4_BLOCK_SIZE))
  return chunks
}

/**
 * Frames chunks with their compressed forms (raw LZ4 blocks), storing a chunk as it is when
 * compression does not make it smaller, as Kafka does.
 */
export function lz4Frame(chunks: readonly Buffer[], compressed: readonly Buffer[]): Buffer {
  const stored = chunks.map((chunk, i) => compressed[i]!.length >= chunk.length)
  const blocks = chunks.map((chunk, i) => (stored[i] ? chunk : compressed[i]!))
  const size = blocks.reduce((sum, block) => sum + 4 + block.length, LZ4_FRAME_HEADER.length + 4)
  const out = Buffer.allocUnsafe(size)
  let pos = LZ4_FRAME_HEADER.copy(out, 0)
  blocks.forEach((block, i) => {
    out.writeUInt32LE(stored[i] ? (block.length | UNCOMPRESSED_BIT) >>> 0 : block.length, pos)
    pos += 4 + block.copy(out, pos + 4)
  })
  out.writeUInt32LE(0, pos)
  return out
}
