/**
 * snappy (compression type 2). Producers differ: kafkajs-snappy and librdkafka send one raw
 * snappy block, the Java client and kafka-python send xerial framing (see xerial.ts).
 * Decoding takes either, telling them apart by the xerial magic, as snappy-java does.
 * Encoding writes xerial framing with 32 KiB blocks, the bytes Kafka's broker itself writes
 * when it recompresses (SnappyOutputStream with its default block size); kafkajs-snappy,
 * librdkafka and kafka-python all read it. The async forms spread the blocks over libuv's
 * thread pool. Snappy has no levels.
 */
import type { Codec } from './codec.js'
import { decodeWith, decodeWithAsync } from './compression-error.js'
import { lazyRequire } from './lazy-require.js'
import { hasXerialHeader, xerialBlocks, xerialChunks, xerialFrame } from './xerial.js'

const snappy = lazyRequire<typeof import('snappy')>('snappy')

function uncompressSync(block: Buffer): Buffer {
  return snappy().uncompressSync(block, { asBuffer: true }) as Buffer
}

async function uncompress(block: Buffer): Promise<Buffer> {
  return (await snappy().uncompress(block, { asBuffer: true })) as Buffer
}

export const snappyCodec: Codec = {
  name: 'snappy',
  compressSync: (data) => xerialFrame(xerialChunks(data).map((chunk) => snappy().compressSync(chunk))),
  compress: async (data) => xerialFrame(await Promise.all(xerialChunks(data).map((chunk) => snappy().compress(chunk)))),
  decompressSync: (data) =>
    decodeWith('snappy', () =>
      hasXerialHeader(data) ? Buffer.concat(xerialBlocks(data).map(uncompressSync)) : uncompressSync(data),
    ),
  decompress: (data) =>
    decodeWithAsync('snappy', async () =>
      hasXerialHeader(data) ? Buffer.concat(await Promise.all(xerialBlocks(data).map(uncompress))) : uncompress(data),
    ),
}
