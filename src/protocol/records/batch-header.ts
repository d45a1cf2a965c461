/**
 * RecordBatch (magic 2) header, read and written in place over a Buffer. Layout, big-endian:
 *
 *   0  int64  baseOffset               ┐ outside the CRC: the broker rewrites these
 *   8  int32  batchLength (bytes after this field)
 *  12  int32  partitionLeaderEpoch     ┘
 *  16  int8   magic (2)
 *  17  uint32 crc  (CRC-32C of bytes 21..end)
 *  21  int16  attributes               (see attributes.ts)
 *  23  int32  lastOffsetDelta
 *  27  int64  baseTimestamp
 *  35  int64  maxTimestamp
 *  43  int64  producerId
 *  51  int16  producerEpoch
 *  53  int32  baseSequence
 *  57  int32  record count
 *  61  records (compressed as a whole when compression != 0)
 *
 * int64 fields are numbers: exact within ±2^53, which covers offsets and millisecond timestamps.
 */
import { crc32c } from '../primitives/crc32c.js'
import {
  COMPRESSION_MASK,
  CONTROL_BIT,
  DELETE_HORIZON_BIT,
  TIMESTAMP_TYPE_BIT,
  TRANSACTIONAL_BIT,
  TimestampType,
  type CompressionType,
} from './attributes.js'

export const BATCH = {
  BASE_OFFSET: 0,
  LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORD_COUNT: 57,
  /** Header size: where the records start. */
  RECORDS: 61,
  /** baseOffset + batchLength: the bytes not counted by batchLength. */
  LOG_OVERHEAD: 12,
} as const

export const MAGIC_V2 = 2
/** Smallest legal batchLength: a header with no records. */
export const MIN_BATCH_LENGTH = BATCH.RECORDS - BATCH.LOG_OVERHEAD

const TWO_32 = 4294967296

/**
 * A big-endian int64 as a number (exact below 2^53). Byte by byte: about half the cost of
 * readInt32BE + readUInt32BE, and read several times per batch appended or fetched.
 */
export function readInt64(buf: Buffer, pos: number): number {
  if (!(pos >= 0 && pos + 8 <= buf.length)) throw new RangeError(`int64 at ${pos} is past the buffer's end, ${buf.length}`)
  const hi = (buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!
  const lo = ((buf[pos + 4]! << 24) | (buf[pos + 5]! << 16) | (buf[pos + 6]! << 8) | buf[pos + 7]!) >>> 0
  return hi * TWO_32 + lo
}

export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4)
}

/** A view of the batch header at `position` in `buffer`; copies nothing. */
export class BatchHeader {
  #buf: Buffer
  #pos: number

  private constructor(buf: Buffer, pos: number) {
    this.#buf = buf
    this.#pos = pos
  }

  /** The header must be wholly inside `buf` (BATCH.RECORDS bytes from pos); validateBatch checks that. */
  static view(buf: Buffer, pos = 0): BatchHeader {
    return new BatchHeader(buf, pos)
  }

  /** Re-points this view, so a scan over many batches allocates one view. */
  moveTo(buf: Buffer, pos: number): this {
    this.#buf = buf
    this.#pos = pos
    return this
  }

  get buffer(): Buffer {
    return this.#buf
  }
  get position(): number {
    return this.#pos
  }

  get baseOffset(): number {
    return readInt64(this.#buf, this.#pos + BATCH.BASE_OFFSET)
  }
  setBaseOffset(offset: number): void {
    writeInt64(this.#buf, this.#pos + BATCH.BASE_OFFSET, offset)
  }
  get batchLength(): number {
    return this.#buf.readInt32BE(this.#pos + BATCH.LENGTH)
  }
  /** Whole batch size in bytes, LOG_OVERHEAD included. */
  get sizeInBytes(): number {
    return this.batchLength + BATCH.LOG_OVERHEAD
  }
  get partitionLeaderEpoch(): number {
    return this.#buf.readInt32BE(this.#pos + BATCH.PARTITION_LEADER_EPOCH)
  }
  setPartitionLeaderEpoch(epoch: number): void {
    this.#buf.writeInt32BE(epoch, this.#pos + BATCH.PARTITION_LEADER_EPOCH)
  }
  get magic(): number {
    return this.#buf.readInt8(this.#pos + BATCH.MAGIC)
  }
  get crc(): number {
    return this.#buf.readUInt32BE(this.#pos + BATCH.CRC)
  }
  /** CRC-32C of attributes..end, as it should be stored. */
  computeCrc(): number {
    return crc32c(this.#buf, this.#pos + BATCH.ATTRIBUTES, this.#pos + this.sizeInBytes)
  }
  crcMatches(): boolean {
    return this.computeCrc() === this.crc
  }
  /** Recomputes and stores the CRC after a change to a covered field. */
  updateCrc(): void {
    this.#buf.writeUInt32BE(this.computeCrc(), this.#pos + BATCH.CRC)
  }
  get attributes(): number {
    return this.#buf.readInt16BE(this.#pos + BATCH.ATTRIBUTES)
  }
  get compression(): CompressionType {
    return (this.attributes & COMPRESSION_MASK) as CompressionType
  }
  get timestampType(): TimestampType {
    return this.attributes & TIMESTAMP_TYPE_BIT ? TimestampType.LogAppendTime : TimestampType.CreateTime
  }
  get isTransactional(): boolean {
    return (this.attributes & TRANSACTIONAL_BIT) !== 0
  }
  get isControl(): boolean {
    return (this.attributes & CONTROL_BIT) !== 0
  }
  get hasDeleteHorizon(): boolean {
    return (this.attributes & DELETE_HORIZON_BIT) !== 0
  }
  get lastOffsetDelta(): number {
    return this.#buf.readInt32BE(this.#pos + BATCH.LAST_OFFSET_DELTA)
  }
  get lastOffset(): number {
    return this.baseOffset + this.lastOffsetDelta
  }
  /** The offset after this batch: where the next batch starts. */
  get nextOffset(): number {
    return this.lastOffset + 1
  }
  get baseTimestamp(): number {
    return readInt64(this.#buf, this.#pos + BATCH.BASE_TIMESTAMP)
  }
  get maxTimestamp(): number {
    return readInt64(this.#buf, this.#pos + BATCH.MAX_TIMESTAMP)
  }
  /**
   * Stamps the batch with LogAppendTime as the broker does: sets the timestamp-type bit and
   * maxTimestamp (records keep their deltas; readers use maxTimestamp), then the CRC.
   */
  setLogAppendTime(timestamp: number): void {
    this.#buf.writeInt16BE(this.attributes | TIMESTAMP_TYPE_BIT, this.#pos + BATCH.ATTRIBUTES)
    writeInt64(this.#buf, this.#pos + BATCH.MAX_TIMESTAMP, timestamp)
    this.updateCrc()
  }
  get producerId(): number {
    return readInt64(this.#buf, this.#pos + BATCH.PRODUCER_ID)
  }
  get producerEpoch(): number {
    return this.#buf.readInt16BE(this.#pos + BATCH.PRODUCER_EPOCH)
  }
  get baseSequence(): number {
    return this.#buf.readInt32BE(this.#pos + BATCH.BASE_SEQUENCE)
  }
  get recordCount(): number {
    return this.#buf.readInt32BE(this.#pos + BATCH.RECORD_COUNT)
  }
  /** The records region [recordsStart, end): compressed bytes when compression != 0. */
  get recordsStart(): number {
    return this.#pos + BATCH.RECORDS
  }
  get end(): number {
    return this.#pos + this.sizeInBytes
  }
}
