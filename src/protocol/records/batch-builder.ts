/**
 * Writes a v2 RecordBatch from records: for control batches, compaction and tests.
 * Producers send ready-made batches, so the produce path never builds one.
 */
import { encodeAttributes, type BatchAttributes, type CompressionType } from './attributes.js'
import { BATCH, BatchHeader, MAGIC_V2, writeInt64 } from './batch-header.js'
import type { RecordInput } from './record.js'
import { varlongSize, writeVarlong } from './varint.js'

export interface BatchOptions extends BatchAttributes {
  baseOffset?: number
  partitionLeaderEpoch?: number
  /** Defaults to -1, -1, -1: not idempotent. */
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  /** Compresses the encoded records region; required when `compression` is not None. */
  compress?: (type: CompressionType, records: Buffer) => Buffer
}

function bytesSize(b: Buffer | null | undefined): number {
  return b == null ? 1 : varlongSize(b.length) + b.length
}

function writeBytes(buf: Buffer, pos: number, b: Buffer | null | undefined): number {
  if (b == null) return writeVarlong(buf, pos, -1)
  pos = writeVarlong(buf, pos, b.length)
  return pos + b.copy(buf, pos)
}

function encodeRecords(records: readonly RecordInput[], baseTimestamp: number): Buffer {
  const bodies: number[] = []
  const keys: Buffer[][] = []
  let total = 0
  records.forEach((r, i) => {
    const headerKeys = (r.headers ?? []).map((h) => Buffer.from(h.key, 'utf8'))
    keys.push(headerKeys)
    let body = 1 + varlongSize(r.timestamp - baseTimestamp) + varlongSize(i) + bytesSize(r.key) + bytesSize(r.value)
    body += varlongSize(headerKeys.length)
    headerKeys.forEach((k, h) => (body += bytesSize(k) + bytesSize(r.headers![h]!.value)))
    bodies.push(body)
    total += varlongSize(body) + body
  })
  const buf = Buffer.allocUnsafe(total)
  let pos = 0
  records.forEach((r, i) => {
    pos = writeVarlong(buf, pos, bodies[i]!)
    buf[pos++] = 0
    pos = writeVarlong(buf, pos, r.timestamp - baseTimestamp)
    pos = writeVarlong(buf, pos, i)
    pos = writeBytes(buf, pos, r.key)
    pos = writeBytes(buf, pos, r.value)
    const headerKeys = keys[i]!
    pos = writeVarlong(buf, pos, headerKeys.length)
    headerKeys.forEach((k, h) => {
      pos = writeBytes(buf, pos, k)
      pos = writeBytes(buf, pos, r.headers![h]!.value)
    })
  })
  return buf
}

/** Builds one batch holding `records` (at least one), with offset deltas 0..n-1 and a valid CRC. */
export function buildBatch(records: readonly RecordInput[], opts: BatchOptions = {}): Buffer {
  if (records.length === 0) throw new RangeError('a record batch needs at least one record')
  const baseTimestamp = records[0]!.timestamp
  const maxTimestamp = records.reduce((m, r) => Math.max(m, r.timestamp), -1)
  let body = encodeRecords(records, baseTimestamp)
  const compression = opts.compression ?? 0
  if (compression !== 0) {
    if (!opts.compress) throw new TypeError(`compression ${compression} needs a compress function`)
    body = opts.compress(compression, body)
  }
  const buf = Buffer.allocUnsafe(BATCH.RECORDS + body.length)
  writeInt64(buf, BATCH.BASE_OFFSET, opts.baseOffset ?? 0)
  buf.writeInt32BE(buf.length - BATCH.LOG_OVERHEAD, BATCH.LENGTH)
  buf.writeInt32BE(opts.partitionLeaderEpoch ?? -1, BATCH.PARTITION_LEADER_EPOCH)
  buf.writeInt8(MAGIC_V2, BATCH.MAGIC)
  buf.writeInt16BE(encodeAttributes(opts), BATCH.ATTRIBUTES)
  buf.writeInt32BE(records.length - 1, BATCH.LAST_OFFSET_DELTA)
  writeInt64(buf, BATCH.BASE_TIMESTAMP, baseTimestamp)
  writeInt64(buf, BATCH.MAX_TIMESTAMP, maxTimestamp)
  writeInt64(buf, BATCH.PRODUCER_ID, opts.producerId ?? -1)
  buf.writeInt16BE(opts.producerEpoch ?? -1, BATCH.PRODUCER_EPOCH)
  buf.writeInt32BE(opts.baseSequence ?? -1, BATCH.BASE_SEQUENCE)
  buf.writeInt32BE(records.length, BATCH.RECORD_COUNT)
  body.copy(buf, BATCH.RECORDS)
  BatchHeader.view(buf, 0).updateCrc()
  return buf
}
