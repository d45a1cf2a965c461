/**
 * Decompresses record batches captured from real clients (scripts/capture-compressed.ts)
 * and checks every record's key and value. The fixtures cover each way of framing that
 * the clients use, which the first test pins down so a recapture cannot lose one.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GOLDEN_DIR, parseBatch, readHex, readKeyValues } from '../../../../test/golden/compression/golden-batch.js'
import { goldenRecords } from '../../../../test/golden/compression/golden-records.js'
import { CompressionError, decompress, decompressSync, type CompressionType } from './index.js'

const CODEC_IDS = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const

interface FixtureMeta {
  client: string
  codec: keyof typeof CODEC_IDS
  clientVersion: string
}

const fixtures = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f.slice(0, -5), ...(JSON.parse(readFileSync(join(GOLDEN_DIR, f), 'utf8')) as FixtureMeta) }))
  .filter((f) => f.client !== undefined)

const records = (name: string) => parseBatch(readHex(`${name}.hex`)).records

describe('golden batches from real clients', () => {
  it('has every client and codec, in each framing the clients use', () => {
    expect(fixtures.map((f) => f.name).sort()).toEqual([
      'kafka-python-gzip', 'kafka-python-lz4', 'kafka-python-snappy', 'kafka-python-zstd',
      'kafkajs-gzip', 'kafkajs-lz4', 'kafkajs-snappy',
      'librdkafka-gzip', 'librdkafka-lz4', 'librdkafka-snappy', 'librdkafka-zstd',
    ])
    const xerial = (name: string) => records(name).subarray(0, 8).equals(Buffer.from('82534e4150505900', 'hex'))
    expect([xerial('kafka-python-snappy'), xerial('kafkajs-snappy'), xerial('librdkafka-snappy')]).toEqual([true, false, false])
    // LZ4 FLG byte: 0x20 independent blocks, 0x08 content size, 0x04 content checksum. BD 0x40 = 64 KiB, 0x70 = 4 MiB.
    const lz4 = (name: string) => records(name).readUInt16BE(4).toString(16)
    expect({ librdkafka: lz4('librdkafka-lz4'), kafkajs: lz4('kafkajs-lz4'), python: lz4('kafka-python-lz4') }).toEqual({
      librdkafka: '6040',
      kafkajs: '6470',
      python: '6840',
    })
    // zstd frame header descriptor: 0 = no content size (librdkafka streams), 0xa0 = 4-byte content size.
    expect([records('librdkafka-zstd')[4], records('kafka-python-zstd')[4]]).toEqual([0x00, 0xa0])
  })

  for (const f of fixtures) {
    describe(`${f.name} (${f.clientVersion})`, () => {
      const batch = parseBatch(readHex(`${f.name}.hex`))
      const expected = goldenRecords(f.client, f.codec)

      it('is a valid v2 batch of the golden records with its codec', () => {
        expect(batch.crcMatches).toBe(true)
        expect(batch.compression).toBe(CODEC_IDS[f.codec])
        expect(batch.recordCount).toBe(expected.length)
      })

      it('decompresses (async) to the records the client was given', async () => {
        const plain = await decompress(batch.compression as CompressionType, batch.records)
        expect(readKeyValues(plain, batch.recordCount)).toEqual(expected)
      })

      it('decompresses (sync) to the same bytes', async () => {
        const plain = decompressSync(batch.compression as CompressionType, batch.records)
        expect(plain.equals(await decompress(batch.compression as CompressionType, batch.records))).toBe(true)
      })

      it('fails with CompressionError when the compressed bytes are cut short', async () => {
        const cut = batch.records.subarray(0, batch.records.length >> 1)
        await expect(decompress(batch.compression as CompressionType, cut)).rejects.toBeInstanceOf(CompressionError)
      })
    })
  }
})

describe('LZ4 frame with linked blocks and every checksum (python-lz4, the reference liblz4)', () => {
  const frame = readHex('python-lz4-linked.hex')
  const plain = decompressSync(3, records('librdkafka-lz4'))

  it('is linked: FLG without the independence bit, two 64 KiB blocks', () => {
    expect(frame[4]! & 0x20).toBe(0)
    expect(frame[5]).toBe(0x40)
    expect(plain.length).toBeGreaterThan(64 * 1024)
  })

  it('decodes to the same records librdkafka compressed', async () => {
    expect((await decompress(3, frame)).equals(plain)).toBe(true)
    expect(decompressSync(3, frame).equals(plain)).toBe(true)
  })

  it('rejects a wrong content checksum, block checksum or header checksum', () => {
    const corrupt = (at: number) => {
      const copy = Buffer.from(frame)
      copy[at]! ^= 0x01
      return copy
    }
    expect(() => decompressSync(3, corrupt(frame.length - 1))).toThrow(CompressionError)
    const firstBlockSize = frame.readUInt32LE(15) & 0x7fffffff
    expect(() => decompressSync(3, corrupt(19 + firstBlockSize))).toThrow(CompressionError)
    expect(() => decompressSync(3, corrupt(14))).toThrow(CompressionError)
  })
})
