import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  ASYNC_MIN_BYTES,
  CompressionError,
  compress,
  compressSync,
  decompress,
  decompressSync,
  type CompressionType,
} from './index.js'
import { LZ4_BLOCK_SIZE, LZ4_FRAME_HEADER } from './lz4-frame.js'
import { XERIAL_BLOCK_SIZE, xerialBlocks, xerialHeader } from './xerial.js'

const MiB = 1024 * 1024
const CODECS = [
  ['gzip', 1],
  ['snappy', 2],
  ['lz4', 3],
  ['zstd', 4],
] as const

/** xorshift32: the same "random" megabyte every run. */
function incompressible(size: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.allocUnsafe(size)
  let x = seed
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/** JSON lines like a producer's values: repetitive, but not trivially so. */
function jsonLike(size: number): Buffer {
  const lines: string[] = []
  let length = 0
  for (let i = 0; length < size; i++) {
    const line = JSON.stringify({ id: i, user: `user-${(i * 7919) % 1000}`, event: ['click', 'view', 'buy'][i % 3], ts: 1_700_000_000_000 + i * 137 })
    lines.push(line)
    length += line.length + 1
  }
  return Buffer.from(lines.join('\n')).subarray(0, size)
}

const INPUTS = {
  empty: Buffer.alloc(0),
  small: Buffer.from('hello, brook'),
  'one xerial block': jsonLike(XERIAL_BLOCK_SIZE),
  'one lz4 block plus a byte': jsonLike(LZ4_BLOCK_SIZE + 1),
  '1 MiB incompressible': incompressible(MiB),
  '1 MiB compressible': jsonLike(MiB),
}

describe.each(CODECS)('%s round trip', (_name, type) => {
  it.each(Object.entries(INPUTS))('%s: async and sync, in either pairing', async (_label, data) => {
    const packed = await compress(type, data)
    const packedSync = compressSync(type, data)
    expect((await decompress(type, packed)).equals(data)).toBe(true)
    expect(decompressSync(type, packed).equals(data)).toBe(true)
    expect((await decompress(type, packedSync)).equals(data)).toBe(true)
  })

  it('shrinks compressible data at least threefold, and barely grows incompressible data', async () => {
    expect((await compress(type, INPUTS['1 MiB compressible'])).length).toBeLessThan(MiB / 3)
    expect((await compress(type, INPUTS['1 MiB incompressible'])).length).toBeLessThan(MiB * 1.01)
  })

  it('throws CompressionError on bytes that are not its format', async () => {
    const garbage = incompressible(200, 7)
    expect(() => decompressSync(type, garbage)).toThrow(CompressionError)
    await expect(decompress(type, garbage)).rejects.toBeInstanceOf(CompressionError)
    const big = incompressible(ASYNC_MIN_BYTES * 2, 11)
    await expect(decompress(type, big)).rejects.toBeInstanceOf(CompressionError)
  })

  it('throws CompressionError on no bytes at all', async () => {
    expect(() => decompressSync(type, Buffer.alloc(0))).toThrow(CompressionError)
    await expect(decompress(type, Buffer.alloc(0))).rejects.toThrow(/no bytes/)
  })
})

describe('compression types', () => {
  it('passes bytes through for type 0 (none)', async () => {
    const data = Buffer.from('as is')
    expect(await compress(0, data)).toBe(data)
    expect(await decompress(0, data)).toBe(data)
    expect(compressSync(0, data)).toBe(data)
    expect(decompressSync(0, data)).toBe(data)
  })

  it.each([5, 6, 7])('rejects type %i, which Kafka does not define', async (type) => {
    const data = Buffer.from('x')
    expect(() => compressSync(type as CompressionType, data)).toThrow(CompressionError)
    expect(() => decompressSync(type as CompressionType, data)).toThrow(/not a compression codec/)
    await expect(decompress(type as CompressionType, data)).rejects.toBeInstanceOf(CompressionError)
  })
})

describe('the bytes each codec writes', () => {
  const data = INPUTS['1 MiB compressible']

  it('gzip: an RFC 1952 member', () => {
    expect(compressSync(1, data).subarray(0, 3).toString('hex')).toBe('1f8b08')
  })

  it("snappy: xerial framing with 32 KiB blocks, as Kafka's broker writes it", () => {
    const out = compressSync(2, data)
    expect(out.subarray(0, 16).equals(xerialHeader())).toBe(true)
    expect(out.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001')
    expect(xerialBlocks(out)).toHaveLength(MiB / XERIAL_BLOCK_SIZE)
    expect(compressSync(2, Buffer.alloc(0)).equals(xerialHeader())).toBe(true)
  })

  it("lz4: Kafka's frame, independent 64 KiB blocks, incompressible ones stored, end mark", () => {
    expect(LZ4_FRAME_HEADER.toString('hex')).toBe('04224d18604082')
    const blocks = (frame: Buffer) => {
      const sizes: number[] = []
      let pos = LZ4_FRAME_HEADER.length
      for (let size = frame.readUInt32LE(pos); size !== 0; size = frame.readUInt32LE(pos)) {
        sizes.push(size)
        pos += 4 + (size & 0x7fffffff)
      }
      expect(pos + 4).toBe(frame.length)
      return sizes
    }
    const packed = compressSync(3, data)
    expect(packed.subarray(0, 7).equals(LZ4_FRAME_HEADER)).toBe(true)
    const compressedBlocks = blocks(packed)
    expect(compressedBlocks).toHaveLength(MiB / LZ4_BLOCK_SIZE)
    expect(compressedBlocks.every((size) => size < LZ4_BLOCK_SIZE)).toBe(true)
    const stored = blocks(compressSync(3, INPUTS['1 MiB incompressible']))
    expect(stored.every((size) => size === (0x80000000 | LZ4_BLOCK_SIZE) >>> 0)).toBe(true)
    expect(compressSync(3, Buffer.alloc(0)).toString('hex')).toBe('04224d1860408200000000')
  })

  it('zstd: a Zstandard frame', () => {
    expect(compressSync(4, data).subarray(0, 4).toString('hex')).toBe('28b52ffd')
  })
})

describe('levels', () => {
  const data = INPUTS['1 MiB compressible']

  it('gzip: level 1 is larger than level 9, both decode', async () => {
    const fast = await compress(1, data, 1)
    const best = await compress(1, data, 9)
    expect(fast.length).toBeGreaterThan(best.length)
    expect(decompressSync(1, fast).equals(decompressSync(1, best))).toBe(true)
  })

  it('zstd: level 1 is larger than level 19, and negative (fast) levels work', async () => {
    const fast = await compress(4, data, 1)
    const best = await compress(4, data, 19)
    const negative = await compress(4, data, -5)
    expect(fast.length).toBeGreaterThan(best.length)
    expect(negative.length).toBeGreaterThan(fast.length)
    for (const packed of [fast, best, negative]) expect(decompressSync(4, packed).equals(data)).toBe(true)
  })

  it('lz4: every level gives the default level’s bytes (lz4_flex has no HC)', () => {
    expect(compressSync(3, data, 1).equals(compressSync(3, data, 17))).toBe(true)
  })
})

describe('snappy decoding', () => {
  const data = jsonLike(100_000)

  it('reads concatenated xerial streams, as snappy-java does', () => {
    const two = Buffer.concat([compressSync(2, data), compressSync(2, data)])
    expect(decompressSync(2, two).equals(Buffer.concat([data, data]))).toBe(true)
  })

  it('rejects a block length past the end, and a stream cut inside a length', () => {
    const packed = compressSync(2, data)
    expect(() => decompressSync(2, packed.subarray(0, packed.length - 1))).toThrow(/overruns/)
    expect(() => decompressSync(2, packed.subarray(0, 18))).toThrow(/inside a block length/)
  })
})

describe('loading', () => {
  it('loads no codec library until one is used', () => {
    const script = `
      const { createRequire } = await import('node:module')
      const cache = createRequire(import.meta.url).cache
      const loaded = () => [
        ...['snappy', 'lz4-napi', 'zstd-napi'].filter((p) => Object.keys(cache).some((k) => k.includes('/node_modules/' + p + '/'))),
        ...(process.moduleLoadList.includes('NativeModule zlib') ? ['node:zlib'] : []),
      ]
      const codecs = await import('./src/protocol/records/compression/index.ts')
      const before = loaded()
      codecs.compressSync(2, Buffer.from('x'))
      const afterSnappy = loaded()
      codecs.compressSync(1, Buffer.from('x'))
      console.log(JSON.stringify({ before, afterSnappy, afterGzip: loaded() }))`
    const root = fileURLToPath(new URL('../../../../', import.meta.url))
    const args = ['--import', 'tsx', '--input-type=module', '-e', script]
    const out = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' })
    expect(JSON.parse(out)).toEqual({ before: [], afterSnappy: ['snappy'], afterGzip: ['snappy', 'node:zlib'] })
  })
})
