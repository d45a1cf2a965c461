import { describe, expect, it } from 'vitest'
import { LONG_MAX } from '../config/config-def.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { CompressionType, TimestampType } from '../protocol/records/attributes.js'
import { buildBatch, type BatchOptions } from '../protocol/records/batch-builder.js'
import { BATCH, BatchHeader, writeInt64 } from '../protocol/records/batch-header.js'
import { compressSync, decompressSync } from '../protocol/records/compression/index.js'
import { encodeControlKey } from '../protocol/records/control-record.js'
import { readRecords } from '../protocol/records/record-reader.js'
import type { RecordInput } from '../protocol/records/record.js'
import { logConfig } from '../storage/log-config.js'
import { validateProduceRecords, type ProduceValidation, type ValidatedBatch } from './log-validator.js'
import { validatorConfig, type CompressionConfig, type ValidatorConfig } from './validator-config.js'
import type { PartitionError } from './validation-types.js'

const NOW = 1_700_000_000_000
const TP = 'orders-0'

const rec = (i: number, extra: Partial<RecordInput> = {}): RecordInput => ({
  timestamp: NOW - 10 + i,
  key: Buffer.from(`k${i}`),
  value: Buffer.from(`value-${i}`),
  headers: [{ key: 'h', value: Buffer.from(`v${i}`) }],
  ...extra,
})
const records3 = () => [rec(0), rec(1), rec(2)]
const batch = (records = records3(), opts: BatchOptions = {}) =>
  buildBatch(records, { compress: (t, b) => compressSync(t, b), ...opts })
const fixCrc = (b: Buffer) => (BatchHeader.view(b).updateCrc(), b)

function config(overrides: Parameters<typeof logConfig>[0] = {}, compression: Partial<CompressionConfig> = {}): ValidatorConfig {
  return validatorConfig(logConfig(overrides), compression)
}

async function validate(records: Buffer | null, cfg = config(), apiVersion = 9): Promise<ProduceValidation> {
  return validateProduceRecords({ records, apiVersion, config: cfg, now: NOW, topicPartition: TP })
}
async function accepted(records: Buffer | null, cfg = config(), apiVersion = 9): Promise<ValidatedBatch> {
  const r = await validate(records, cfg, apiVersion)
  if (!r.ok) throw new Error(`rejected: ${r.error.errorCode} ${r.error.detail}`)
  return r.batch
}
async function rejected(records: Buffer | null, cfg = config(), apiVersion = 9): Promise<PartitionError> {
  const r = await validate(records, cfg, apiVersion)
  if (r.ok) throw new Error('accepted')
  return r.error
}
const codeOf = async (records: Buffer | null, cfg = config(), apiVersion = 9) => (await rejected(records, cfg, apiVersion)).errorCode

/** The decoded records of a validated batch, compressed or not. */
function decoded(b: Buffer) {
  const h = BatchHeader.view(b)
  return [...readRecords(h, decompressSync(h.compression, b.subarray(BATCH.RECORDS)))]
}

/** A batch whose records region does not parse, with a correct CRC: record 0 claims 100 bytes. */
function unparseableRecords(): Buffer {
  const b = batch()
  b[BATCH.RECORDS] = 200
  return fixCrc(b)
}

describe('validateProduceRecords: framing (ProduceRequest.validateRecords)', () => {
  it('answers INVALID_RECORD for a null or empty records field', async () => {
    expect(await codeOf(null)).toBe(ErrorCode.INVALID_RECORD)
    expect(await codeOf(Buffer.alloc(0))).toBe(ErrorCode.INVALID_RECORD)
  })

  it('answers INVALID_RECORD (no batch) for a lone batch that overruns the field', async () => {
    const e = await rejected(batch().subarray(0, 80))
    expect(e.errorCode).toBe(ErrorCode.INVALID_RECORD)
    expect(e.detail).toBe('Produce requests with version 9 must have at least one record batch per partition')
    expect(e.errorMessage).toBeNull()
  })

  it('answers CORRUPT_MESSAGE for a length below 14 or a magic outside 0..2', async () => {
    const short = batch()
    short.writeInt32BE(13, BATCH.LENGTH)
    expect(await codeOf(short)).toBe(ErrorCode.CORRUPT_MESSAGE)
    const magic = batch()
    magic[BATCH.MAGIC] = 3
    expect(await codeOf(magic)).toBe(ErrorCode.CORRUPT_MESSAGE)
  })

  it('answers INVALID_RECORD for magic 0 or 1', async () => {
    const b = batch()
    b[BATCH.MAGIC] = 1
    expect(await codeOf(b)).toBe(ErrorCode.INVALID_RECORD)
  })

  it('answers UNSUPPORTED_COMPRESSION_TYPE for zstd before Produce v7', async () => {
    const b = batch(records3(), { compression: CompressionType.Zstd })
    expect(await codeOf(b, config(), 6)).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE)
    expect((await accepted(b, config(), 7)).compression).toBe(CompressionType.Zstd)
  })

  it('answers INVALID_RECORD for two batches, CORRUPT_MESSAGE for a bad second header', async () => {
    expect(await codeOf(Buffer.concat([batch(), batch()]))).toBe(ErrorCode.INVALID_RECORD)
    const tail = batch().subarray(0, 20)
    tail.writeInt32BE(5, BATCH.LENGTH)
    expect(await codeOf(Buffer.concat([batch(), tail]))).toBe(ErrorCode.CORRUPT_MESSAGE)
  })

  it('drops bytes after the batch that do not make a second one, as Kafka trims them', async () => {
    const one = batch()
    for (const tail of [Buffer.alloc(5), batch().subarray(0, 40)]) {
      const field = Buffer.concat([one, tail])
      const out = await accepted(field)
      expect(out.records.length).toBe(one.length)
      expect(out.records.buffer).toBe(field.buffer)
      expect(out.records.byteOffset).toBe(field.byteOffset)
    }
  })
})

describe('validateProduceRecords: batch header (analyzeAndValidateRecords, LogValidator.validateBatch)', () => {
  it('requires base offset 0', async () => {
    expect(await codeOf(batch(records3(), { baseOffset: 5 }))).toBe(ErrorCode.INVALID_RECORD)
  })

  it('answers MESSAGE_TOO_LARGE above max.message.bytes, before looking at the CRC', async () => {
    const b = batch()
    expect(await codeOf(b, config({ maxMessageBytes: b.length - 1 }))).toBe(ErrorCode.MESSAGE_TOO_LARGE)
    b[b.length - 1]! ^= 1
    expect(await codeOf(b, config({ maxMessageBytes: b.length - 1 }))).toBe(ErrorCode.MESSAGE_TOO_LARGE)
    expect(await codeOf(b, config({ maxMessageBytes: b.length }))).toBe(ErrorCode.CORRUPT_MESSAGE)
  })

  it('answers CORRUPT_MESSAGE for a CRC mismatch or a batch shorter than its header', async () => {
    const b = batch()
    b[BATCH.RECORDS + 3]! ^= 0x40
    expect(await codeOf(b)).toBe(ErrorCode.CORRUPT_MESSAGE)
    const stub = batch().subarray(0, 52)
    stub.writeInt32BE(40, BATCH.LENGTH)
    expect(await codeOf(stub)).toBe(ErrorCode.CORRUPT_MESSAGE)
  })

  it('answers UNKNOWN_SERVER_ERROR for compression ids 5-7, as Kafka does', async () => {
    const b = batch()
    b.writeInt16BE(b.readInt16BE(BATCH.ATTRIBUTES) | 6, BATCH.ATTRIBUTES)
    expect(await codeOf(fixCrc(b))).toBe(ErrorCode.UNKNOWN_SERVER_ERROR)
  })

  it('answers INVALID_RECORD for a bad offset range or record count', async () => {
    const negative = batch()
    negative.writeInt32BE(-1, BATCH.LAST_OFFSET_DELTA)
    expect(await codeOf(fixCrc(negative))).toBe(ErrorCode.INVALID_RECORD)
    const zero = batch()
    zero.writeInt32BE(0, BATCH.RECORD_COUNT)
    expect(await codeOf(fixCrc(zero))).toBe(ErrorCode.INVALID_RECORD)
    const mismatch = batch()
    mismatch.writeInt32BE(2, BATCH.RECORD_COUNT)
    const e = await rejected(fixCrc(mismatch))
    expect(e.errorCode).toBe(ErrorCode.INVALID_RECORD)
    expect(e.detail).toBe(`Inconsistent batch offset range [0, 2] and count of records 2 in topic partition ${TP}`)
  })

  it('rejects control batches from clients', async () => {
    const b = batch([{ timestamp: NOW, key: encodeControlKey(1), value: Buffer.alloc(6) }], {
      control: true, transactional: true, producerId: 7, producerEpoch: 0, baseSequence: 0,
    })
    expect(await codeOf(b)).toBe(ErrorCode.INVALID_RECORD)
  })

  it('rejects an idempotent batch without a base sequence', async () => {
    expect(await codeOf(batch(records3(), { producerId: 7, producerEpoch: 0, baseSequence: -1 }))).toBe(ErrorCode.INVALID_RECORD)
  })

  it('answers RECORD_LIST_TOO_LARGE for a batch larger than segment.bytes', async () => {
    const b = batch()
    expect(await codeOf(b, config({ segmentBytes: b.length - 1 }))).toBe(ErrorCode.RECORD_LIST_TOO_LARGE)
  })
})

describe('validateProduceRecords: the unchanged path', () => {
  it('returns the request buffer itself with the facts of its header', async () => {
    const b = batch(records3(), { producerId: 42, producerEpoch: 3, baseSequence: 17, transactional: true })
    const before = Buffer.from(b)
    const out = await accepted(b)
    expect(out.records).toBe(b)
    expect(out.rewrite).toBe('none')
    expect(b.equals(before)).toBe(true)
    expect(out).toMatchObject({
      recordCount: 3, lastOffsetDelta: 2, maxTimestamp: NOW - 8, logAppendTime: -1,
      producerId: 42, producerEpoch: 3, baseSequence: 17, transactional: true,
      sourceCompression: CompressionType.None, compression: CompressionType.None,
    })
  })

  it('does not decode records when no rule needs them', async () => {
    const b = unparseableRecords()
    expect((await accepted(b)).records).toBe(b)
    expect(await codeOf(b, config({ cleanupPolicy: ['compact'] }))).toBe(ErrorCode.INVALID_RECORD)
  })

  it('keeps a compressed batch as sent without decompressing it when the codec is kept', async () => {
    const b = batch(records3(), { compression: CompressionType.Gzip })
    b.fill(0x55, b.length - 12, b.length - 4)
    fixCrc(b)
    for (const cfg of [config(), config({}, { compressionType: 'gzip', compressionGzipLevel: 9 })]) {
      const out = await accepted(b, cfg)
      expect(out.records).toBe(b)
      expect(out.compression).toBe(CompressionType.Gzip)
    }
  })
})

describe('validateProduceRecords: timestamps', () => {
  const bounded = (before = LONG_MAX, after = 3_600_000) =>
    config({ messageTimestampBeforeMaxMs: before, messageTimestampAfterMaxMs: after })

  it('answers INVALID_TIMESTAMP with every out-of-range record listed', async () => {
    const b = batch([rec(0), rec(1, { timestamp: NOW - 7_200_000 }), rec(2, { timestamp: NOW + 7_200_000 })])
    const e = await rejected(b, bounded(3_600_000, 3_600_000))
    expect(e.errorCode).toBe(ErrorCode.INVALID_TIMESTAMP)
    expect(e.errorMessage).toBe('One or more records have been rejected due to invalid timestamp')
    expect(e.recordErrors).toEqual([
      { batchIndex: 1, batchIndexErrorMessage: `Timestamp ${NOW - 7_200_000} of message with offset 1 is out of range. The timestamp should be within [${NOW - 3_600_000}, ${NOW + 3_600_000}]` },
      { batchIndex: 2, batchIndexErrorMessage: `Timestamp ${NOW + 7_200_000} of message with offset 2 is out of range. The timestamp should be within [${NOW - 3_600_000}, ${NOW + 3_600_000}]` },
    ])
  })

  it('prints an unbounded limit as Java long arithmetic does', async () => {
    const e = await rejected(batch([rec(0, { timestamp: NOW + 7_200_000 })]), bounded())
    expect(e.recordErrors[0]!.batchIndexErrorMessage).toContain(`[-${9223372036854775807n - BigInt(NOW)}, ${NOW + 3_600_000}]`)
  })

  it('accepts records without a timestamp (-1) under bounds', async () => {
    const b = batch([rec(0, { timestamp: -1 }), rec(1, { timestamp: -1 })])
    expect((await accepted(b, bounded(1000, 1000))).records).toBe(b)
  })

  it('corrects a wrong max timestamp in place when it reads the records', async () => {
    const b = batch()
    writeInt64(b, BATCH.MAX_TIMESTAMP, NOW - 1000)
    fixCrc(b)
    const out = await accepted(b, bounded())
    expect(out.records).toBe(b)
    expect(out.rewrite).toBe('in-place')
    expect(out.maxTimestamp).toBe(NOW - 8)
    expect(BatchHeader.view(b).crcMatches()).toBe(true)
  })

  it('stamps LogAppendTime in place: type bit, max timestamp, CRC; records untouched', async () => {
    const b = batch()
    const recordsBefore = Buffer.from(b.subarray(BATCH.RECORDS))
    const out = await accepted(b, config({ messageTimestampType: 'LogAppendTime' }))
    expect(out.records).toBe(b)
    expect(out.rewrite).toBe('in-place')
    expect([out.logAppendTime, out.maxTimestamp]).toEqual([NOW, NOW])
    const h = BatchHeader.view(b)
    expect(h.timestampType).toBe(TimestampType.LogAppendTime)
    expect(h.crcMatches()).toBe(true)
    expect(b.subarray(BATCH.RECORDS).equals(recordsBefore)).toBe(true)
    expect(decoded(b).map((r) => r.timestamp)).toEqual([NOW, NOW, NOW])
  })

  it('rejects a producer batch marked LogAppendTime on a LogAppendTime topic, one error per record', async () => {
    const b = batch(records3(), { timestampType: TimestampType.LogAppendTime })
    const e = await rejected(b, config({ messageTimestampType: 'LogAppendTime' }))
    expect(e.errorCode).toBe(ErrorCode.INVALID_TIMESTAMP)
    expect(e.recordErrors.map((r) => r.batchIndex)).toEqual([0, 1, 2])
    expect(e.recordErrors[0]!.batchIndexErrorMessage).toBe(
      `Invalid timestamp type in message DefaultRecord(offset=0, timestamp=${NOW - 8}, key=2 bytes, value=7 bytes). ` +
        'Producer should not set timestamp type to LogAppendTime.',
    )
  })

  it('on a CreateTime topic reads a LogAppendTime batch by its max timestamp and clears the bit', async () => {
    const b = batch(records3(), { timestampType: TimestampType.LogAppendTime })
    const out = await accepted(b)
    expect(BatchHeader.view(out.records).timestampType).toBe(TimestampType.CreateTime)
    expect(out.maxTimestamp).toBe(NOW - 8)
    writeInt64(b, BATCH.MAX_TIMESTAMP, -1)
    b.writeInt16BE(b.readInt16BE(BATCH.ATTRIBUTES) | 0x08, BATCH.ATTRIBUTES)
    expect(await codeOf(fixCrc(b))).toBe(ErrorCode.INVALID_TIMESTAMP)
  })
})

describe('validateProduceRecords: compacted topics', () => {
  const compacted = config({ cleanupPolicy: ['compact', 'delete'] })

  it('answers INVALID_RECORD with a record error for each record without a key', async () => {
    const b = batch([rec(0), rec(1, { key: null }), rec(2), rec(3, { key: null })])
    const e = await rejected(b, compacted)
    const message = `Compacted topic cannot accept message without key in topic partition ${TP}`
    expect(e.errorCode).toBe(ErrorCode.INVALID_RECORD)
    expect(e.recordErrors).toEqual([
      { batchIndex: 1, batchIndexErrorMessage: message },
      { batchIndex: 3, batchIndexErrorMessage: message },
    ])
    expect(e.errorMessage).toBe(
      'One or more records have been rejected due to 2 record errors in total, and only showing the first three errors at most: ' +
        `[RecordError(batchIndex=1, message='${message}'), RecordError(batchIndex=3, message='${message}')]`,
    )
  })

  it('accepts keyed records unchanged, and checks keys inside compressed batches', async () => {
    const b = batch()
    expect((await accepted(b, compacted)).records).toBe(b)
    const lz4 = batch([rec(0), rec(1, { key: null })], { compression: CompressionType.Lz4 })
    expect((await rejected(lz4, compacted)).recordErrors.map((r) => r.batchIndex)).toEqual([1])
  })

  it('answers INVALID_RECORD for records that do not parse', async () => {
    expect(await codeOf(unparseableRecords(), compacted)).toBe(ErrorCode.INVALID_RECORD)
  })

  it('answers UNKNOWN_SERVER_ERROR for bytes that do not decompress, as Kafka does', async () => {
    const b = batch(records3(), { compression: CompressionType.Gzip })
    b.fill(0xff, BATCH.RECORDS, BATCH.RECORDS + 10)
    expect(await codeOf(fixCrc(b), compacted)).toBe(ErrorCode.UNKNOWN_SERVER_ERROR)
  })
})

describe('validateProduceRecords: recompression to compression.type', () => {
  const idempotent: BatchOptions = { producerId: 9, producerEpoch: 2, baseSequence: 30, transactional: true, partitionLeaderEpoch: 4 }

  it.each([
    ['gzip', CompressionType.None, CompressionType.Gzip],
    ['uncompressed', CompressionType.Lz4, CompressionType.None],
    ['zstd', CompressionType.Snappy, CompressionType.Zstd],
    ['snappy', CompressionType.Gzip, CompressionType.Snappy],
  ] as const)('compression.type=%s rebuilds a batch of codec %i as codec %i', async (topic, from, to) => {
    const input = [rec(0), rec(1, { key: null, headers: [] }), rec(2, { timestamp: NOW - 50, value: null })]
    const b = batch(input, { ...idempotent, compression: from })
    const out = await accepted(b, config({}, { compressionType: topic, compressionZstdLevel: 19 }))
    expect(out.rewrite).toBe('rebuilt')
    expect(out.records).not.toBe(b)
    const h = BatchHeader.view(out.records)
    expect(h.crcMatches()).toBe(true)
    expect(h.sizeInBytes).toBe(out.records.length)
    expect([out.sourceCompression, out.compression, h.compression]).toEqual([from, to, to])
    expect([h.baseOffset, h.producerId, h.producerEpoch, h.baseSequence, h.isTransactional, h.partitionLeaderEpoch]).toEqual([0, 9, 2, 30, true, 4])
    expect([h.recordCount, h.lastOffsetDelta, h.baseTimestamp, h.maxTimestamp]).toEqual([3, 2, NOW - 10, NOW - 9])
    const again = decoded(out.records)
    expect(again.map((r) => r.offset)).toEqual([0, 1, 2])
    expect(again.map((r) => r.timestamp)).toEqual(input.map((r) => r.timestamp))
    expect(again.map((r) => r.key?.toString() ?? null)).toEqual(['k0', null, 'k2'])
    expect(again.map((r) => r.value?.toString() ?? null)).toEqual(['value-0', 'value-1', null])
    expect(again.map((r) => r.headers)).toEqual(input.map((r) => r.headers ?? []))
  })

  it('stamps LogAppendTime on a rebuilt batch', async () => {
    const out = await accepted(batch(), config({ messageTimestampType: 'LogAppendTime' }, { compressionType: 'gzip' }))
    const h = BatchHeader.view(out.records)
    expect([out.rewrite, h.compression, h.timestampType, h.maxTimestamp]).toEqual(['rebuilt', CompressionType.Gzip, TimestampType.LogAppendTime, NOW])
    expect(h.crcMatches()).toBe(true)
  })

  it('answers MESSAGE_TOO_LARGE when the rebuilt batch outgrows max.message.bytes', async () => {
    const b = batch([rec(0, { value: Buffer.alloc(50_000) })], { compression: CompressionType.Gzip })
    expect(b.length).toBeLessThan(1000)
    expect(await codeOf(b, config({ maxMessageBytes: 10_000 }, { compressionType: 'uncompressed' }))).toBe(ErrorCode.MESSAGE_TOO_LARGE)
  })

  it('rebuilds a compressed batch whose inner offsets are not 0..n-1 when it reads them', async () => {
    const plain = batch([rec(0, { timestamp: NOW }), rec(1, { timestamp: NOW })])
    const region = Buffer.from(plain.subarray(BATCH.RECORDS))
    const second = 1 + (region[0]! >> 1)
    expect(region[second + 3]).toBe(2)
    region[second + 3] = 10 // zigzag 5: the second record claims offset delta 5
    const body = compressSync(CompressionType.Gzip, region)
    const b = Buffer.concat([plain.subarray(0, BATCH.RECORDS), body])
    b.writeInt32BE(b.length - BATCH.LOG_OVERHEAD, BATCH.LENGTH)
    b.writeInt16BE(CompressionType.Gzip, BATCH.ATTRIBUTES)
    fixCrc(b)
    expect((await accepted(b)).records).toBe(b)
    const out = await accepted(b, config({ cleanupPolicy: ['compact'] }))
    expect(out.rewrite).toBe('rebuilt')
    expect(out.compression).toBe(CompressionType.Gzip)
    expect(decoded(out.records).map((r) => r.offset)).toEqual([0, 1])
  })
})
