import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { CompressionType, TimestampType } from './attributes.js'
import { buildBatch } from './batch-builder.js'
import { BATCH, BatchHeader, readInt64, writeInt64 } from './batch-header.js'
import { ControlRecordType, decodeControlType, decodeEndTxnMarker, encodeControlKey, encodeEndTxnMarker } from './control-record.js'
import { CorruptRecordError, readRecords } from './record-reader.js'
import { validateBatch } from './validate-batch.js'

const T0 = 1_700_000_000_000

describe('record batches', () => {
  it('a single record with a null key, no headers and a 58-byte value makes a 127-byte batch', () => {
    const batch = buildBatch([{ timestamp: T0, key: null, value: Buffer.alloc(58, 1) }])
    expect(batch.length).toBe(127)
  })

  it('builds the same bytes as kafkajs for the same records', async () => {
    const require = createRequire(import.meta.url)
    const kjsBatch = (require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> }).RecordBatch
    const kjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: object) => unknown
    const records = [
      { timestamp: T0, key: Buffer.from('k1'), value: Buffer.from('hello'), headers: [{ key: 'h', value: Buffer.from('v') }] },
      { timestamp: T0 + 5, key: null, value: Buffer.from('world') },
      { timestamp: T0 + 2, key: Buffer.from('k3'), value: null },
    ]
    const theirs = await kjsBatch({
      firstOffset: 0, firstTimestamp: T0, maxTimestamp: T0 + 5, partitionLeaderEpoch: 0, lastOffsetDelta: 2,
      producerId: -1, producerEpoch: 0, firstSequence: 0,
      records: records.map((r, i) => kjsRecord({
        offsetDelta: i, timestampDelta: r.timestamp - T0, key: r.key, value: r.value,
        headers: Object.fromEntries((r.headers ?? []).map((h) => [h.key, h.value])),
      })),
    })
    const ours = buildBatch(records, { partitionLeaderEpoch: 0, producerEpoch: 0, baseSequence: 0 })
    expect(ours.toString('hex')).toBe(theirs.buffer.toString('hex'))
  })

  it('reads every header field and round-trips records', () => {
    const batch = buildBatch(
      [
        { timestamp: T0 + 10, key: Buffer.from('a'), value: Buffer.from('one'), headers: [{ key: 'x', value: null }] },
        { timestamp: T0, key: null, value: null },
      ],
      { baseOffset: 42, partitionLeaderEpoch: 3, producerId: 7, producerEpoch: 1, baseSequence: 9, transactional: true },
    )
    const h = BatchHeader.view(batch)
    expect(h.baseOffset).toBe(42)
    expect(h.sizeInBytes).toBe(batch.length)
    expect(h.partitionLeaderEpoch).toBe(3)
    expect(h.magic).toBe(2)
    expect(h.crcMatches()).toBe(true)
    expect(h.compression).toBe(CompressionType.None)
    expect(h.timestampType).toBe(TimestampType.CreateTime)
    expect(h.isTransactional).toBe(true)
    expect(h.isControl).toBe(false)
    expect(h.lastOffsetDelta).toBe(1)
    expect(h.lastOffset).toBe(43)
    expect(h.baseTimestamp).toBe(T0 + 10)
    expect(h.maxTimestamp).toBe(T0 + 10)
    expect([h.producerId, h.producerEpoch, h.baseSequence, h.recordCount]).toEqual([7, 1, 9, 2])
    const recs = [...readRecords(h)]
    expect(recs.map((r) => r.offset)).toEqual([42, 43])
    expect(recs.map((r) => r.timestamp)).toEqual([T0 + 10, T0])
    expect(recs[0]!.key!.toString()).toBe('a')
    expect(recs[0]!.value!.toString()).toBe('one')
    expect(recs[0]!.headers).toEqual([{ key: 'x', value: null }])
    expect(recs[1]!.key).toBeNull()
    expect(recs[1]!.value).toBeNull()
  })

  it('sets base offset and leader epoch in place without touching the CRC', () => {
    const batch = buildBatch([{ timestamp: T0, value: Buffer.from('v') }])
    const h = BatchHeader.view(batch)
    const crc = h.crc
    h.setBaseOffset(2 ** 40 + 5)
    h.setPartitionLeaderEpoch(12)
    expect(h.baseOffset).toBe(2 ** 40 + 5)
    expect(h.partitionLeaderEpoch).toBe(12)
    expect(h.crc).toBe(crc)
    expect(h.crcMatches()).toBe(true)
  })

  it('stamps LogAppendTime: attributes, max timestamp and a fresh CRC; records read that time', () => {
    const batch = buildBatch([{ timestamp: T0, value: Buffer.from('a') }, { timestamp: T0 + 1, value: Buffer.from('b') }])
    const h = BatchHeader.view(batch)
    h.setLogAppendTime(T0 + 999)
    expect(h.timestampType).toBe(TimestampType.LogAppendTime)
    expect(h.maxTimestamp).toBe(T0 + 999)
    expect(validateBatch(batch).ok).toBe(true)
    expect([...readRecords(h)].map((r) => r.timestamp)).toEqual([T0 + 999, T0 + 999])
  })

  it('writes and reads control batches with transaction markers', () => {
    const batch = buildBatch([{ timestamp: T0, key: encodeControlKey(ControlRecordType.Commit), value: encodeEndTxnMarker(5) }], {
      control: true, transactional: true, producerId: 1000, producerEpoch: 2,
    })
    const h = BatchHeader.view(batch)
    expect(h.isControl).toBe(true)
    const [rec] = [...readRecords(h)]
    expect(decodeControlType(rec!.key)).toBe(ControlRecordType.Commit)
    expect(decodeEndTxnMarker(rec!.value!)).toEqual({ version: 0, coordinatorEpoch: 5 })
  })

  it('needs the decompressed region to read a compressed batch', () => {
    const raw = buildBatch([{ timestamp: T0, value: Buffer.from('z') }])
    const region = raw.subarray(BATCH.RECORDS)
    const batch = buildBatch([{ timestamp: T0, value: Buffer.from('z') }], {
      compression: CompressionType.Gzip, compress: (_t, b) => Buffer.concat([b]),
    })
    const h = BatchHeader.view(batch)
    expect(h.compression).toBe(CompressionType.Gzip)
    expect(() => [...readRecords(h)]).toThrow(CorruptRecordError)
    expect([...readRecords(h, region)][0]!.value!.toString()).toBe('z')
    expect(() => buildBatch([{ timestamp: T0, value: null }], { compression: CompressionType.Lz4 })).toThrow(TypeError)
  })
})

describe('validateBatch', () => {
  const good = () => buildBatch([{ timestamp: T0, value: Buffer.from('abc') }, { timestamp: T0, value: Buffer.from('d') }])

  it('accepts a good batch and returns its header and size', () => {
    const buf = Buffer.concat([Buffer.alloc(3), good()])
    const r = validateBatch(buf, 3)
    expect(r.ok && r.size === buf.length - 3 && r.header.recordCount === 2).toBe(true)
  })

  it('names each defect', () => {
    const errorOf = (buf: Buffer, opts = {}) => {
      const r = validateBatch(buf, 0, opts)
      return r.ok ? 'ok' : r.error
    }
    expect(errorOf(good().subarray(0, 10))).toBe('TRUNCATED')
    expect(errorOf(good().subarray(0, 70))).toBe('TRUNCATED')
    let b = good()
    b.writeInt32BE(10, BATCH.LENGTH)
    expect(errorOf(b)).toBe('INVALID_LENGTH')
    b = good()
    b[BATCH.MAGIC] = 1
    expect(errorOf(b)).toBe('UNSUPPORTED_MAGIC')
    b = good()
    b[b.length - 1]! ^= 0x10
    expect(errorOf(b)).toBe('CRC_MISMATCH')
    expect(errorOf(b, { checkCrc: false })).toBe('ok')
    b = good()
    b.writeInt32BE(5, BATCH.RECORD_COUNT)
    BatchHeader.view(b).updateCrc()
    expect(errorOf(b)).toBe('INVALID_RECORD_COUNT')
    expect(errorOf(b, { denseOffsets: false })).toBe('ok')
    b = good()
    b.writeInt32BE(-2, BATCH.LAST_OFFSET_DELTA)
    BatchHeader.view(b).updateCrc()
    expect(errorOf(b)).toBe('INVALID_OFFSET_RANGE')
  })

  it('catches records whose lengths disagree with the batch', () => {
    const b = good()
    b.writeInt32BE(3, BATCH.RECORD_COUNT)
    expect(() => [...readRecords(BatchHeader.view(b))]).toThrow()
  })
})

describe('readInt64 and writeInt64', () => {
  it('round-trip every int64 a number holds exactly, as Buffer#readBigInt64BE reads them', () => {
    const values = [0, 1, -1, 255, 256, 2 ** 31, -(2 ** 31), 2 ** 32 - 1, 2 ** 32, -(2 ** 32) - 1, Date.now(), 2 ** 53 - 1, -(2 ** 53) + 1]
    const buf = Buffer.alloc(11)
    for (const v of values) {
      writeInt64(buf, 3, v)
      expect(buf.readBigInt64BE(3)).toBe(BigInt(v))
      expect(readInt64(buf, 3)).toBe(v)
    }
  })

  it('refuses to read past the buffer', () => {
    expect(() => readInt64(Buffer.alloc(8), 1)).toThrow(RangeError)
    expect(() => readInt64(Buffer.alloc(8), -1)).toThrow(RangeError)
  })
})
