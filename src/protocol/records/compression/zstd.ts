/**
 * zstd (compression type 4): one or more Zstandard frames, through zstd-napi (libzstd).
 * Kafka's default level is 3, libzstd's too. zstd-napi has no async API, so the async form
 * runs on the calling thread (about 2 ms per MiB here).
 *
 * Decoding drives libzstd's context directly: frames that declare their content size (most
 * writers) decode in one call into a buffer of that size; frames that do not (librdkafka and
 * the Java client stream) decode in chunks. zstd-napi's own decompress() returns what it has
 * when such a stream is cut short; this one reports the truncation.
 */
import type { Codec } from './codec.js'
import { CompressionError, decodeWith } from './compression-error.js'
import { lazyRequire } from './lazy-require.js'

type Binding = typeof import('zstd-napi/binding.js')

const zstd = lazyRequire<typeof import('zstd-napi')>('zstd-napi')
const binding = lazyRequire<Binding>('zstd-napi/binding.js')
let dctx: InstanceType<Binding['DCtx']> | undefined

const DEFAULT_LEVEL = 3

function compressSync(data: Buffer, level = DEFAULT_LEVEL): Buffer {
  return zstd().compress(data, { compressionLevel: level })
}

/** Sum of the frames' declared content sizes, or null when a frame does not declare one. */
function declaredSize(data: Buffer): number | null {
  let total = 0
  for (let frame = data; frame.length > 0; frame = frame.subarray(binding().findFrameCompressedSize(frame))) {
    const size = binding().getFrameContentSize(frame)
    if (size === null) return null
    total += size
  }
  return total
}

function streamDecode(ctx: InstanceType<Binding['DCtx']>, data: Buffer): Buffer {
  const chunkSize = binding().dStreamOutSize()
  const chunks: Buffer[] = []
  let input = data
  let hint = 1 // libzstd's return: 0 once a frame is complete and flushed
  while (input.length > 0 || hint !== 0) {
    const chunk = Buffer.allocUnsafe(Math.max(chunkSize, input.length))
    const [next, produced, consumed] = ctx.decompressStream(chunk, input)
    if (produced === 0 && consumed === 0)
      throw new CompressionError('zstd', `stream ends inside a frame (${data.length - input.length} of ${data.length} bytes read)`)
    hint = next
    chunks.push(chunk.subarray(0, produced))
    input = input.subarray(consumed)
  }
  return Buffer.concat(chunks)
}

function decompressSync(data: Buffer): Buffer {
  return decodeWith('zstd', () => {
    const ctx = (dctx ??= new (binding().DCtx)())
    ctx.reset(binding().ResetDirective.sessionOnly)
    const size = declaredSize(data)
    if (size === null) return streamDecode(ctx, data)
    const out = Buffer.allocUnsafe(size)
    const written = ctx.decompress(out, data)
    if (written !== size) throw new CompressionError('zstd', `frames declare ${size} bytes but hold ${written}`)
    return out
  })
}

export const zstdCodec: Codec = {
  name: 'zstd',
  compressSync,
  decompressSync,
  compress: async (data, level) => compressSync(data, level),
  decompress: async (data) => decompressSync(data),
}
