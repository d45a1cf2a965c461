/**
 * Kafka's MemoryRecords.filterTo with the LogCleaner's filter, for one batch: decides whether
 * the batch goes (DELETE), stays whole, is rewritten with only the records to keep, or stays as
 * an empty header (RETAIN_EMPTY: the last batch of an active producer). A rewritten batch keeps
 * its base offset, last offset delta, producer id, epoch, base sequence, leader epoch, codec
 * and flags, so offsets and sequences survive compaction. Tombstones and the markers of
 * transactions without data left get a delete horizon (now + delete.retention.ms) stored as
 * the base timestamp with the DELETE_HORIZON attribute bit; once it passes they are removed.
 */
import { COMPRESSION_MASK, CONTROL_BIT, DELETE_HORIZON_BIT, TIMESTAMP_TYPE_BIT, TRANSACTIONAL_BIT, TimestampType } from '../../protocol/records/attributes.js'
import { BATCH, BatchHeader, MAGIC_V2, writeInt64 } from '../../protocol/records/batch-header.js'
import { compress } from '../../protocol/records/compression/index.js'
import { varlongSize, writeVarlong } from '../../protocol/records/varint.js'
import type { OffsetMap } from './offset-map.js'
import { forEachRecord } from './raw-records.js'
import { controlTypeOf, recordsOf } from './segment-batches.js'
import type { CleanedTransactionMetadata, ProducerLastRecord } from './transactions.js'

export interface CleanerStats {
  messagesRead: number
  bytesRead: number
  messagesRetained: number
  bytesRetained: number
  invalidMessages: number
}

export function newStats(): CleanerStats {
  return { messagesRead: 0, bytesRead: 0, messagesRetained: 0, bytesRetained: 0, invalidMessages: 0 }
}

export interface FilterContext {
  map: OffsetMap
  txns: CleanedTransactionMetadata
  lastRecords: ReadonlyMap<number, ProducerLastRecord>
  /** The clean's start time: delete horizons are compared with it. */
  now: number
  deleteRetentionMs: number
  stats: CleanerStats
}

/** Kafka's BatchRetention. */
const Retention = { Delete: 0, DeleteEmpty: 1, RetainEmpty: 2 } as const

/** The bytes that replace the batch `h` in the cleaned segment, or null when it goes entirely. */
export async function filterBatch(h: BatchHeader, ctx: FilterContext): Promise<Buffer | null> {
  const { stats } = ctx
  const size = h.sizeInBytes
  stats.bytesRead += size
  const control = h.isControl
  const controlType = control ? await controlTypeOf(h) : -1
  const canDiscard = control ? ctx.txns.onControlBatchRead(h, controlType) : ctx.txns.onBatchRead(h)
  const horizon = h.hasDeleteHorizon ? h.baseTimestamp : -1
  const discardRecords = control ? canDiscard && horizon >= 0 && horizon <= ctx.now : canDiscard
  const retention = h.producerId >= 0 && isLastBatchOfProducer(h, ctx.lastRecords)
    ? Retention.RetainEmpty
    : discardRecords ? Retention.Delete : Retention.DeleteEmpty
  if (retention === Retention.Delete) {
    stats.messagesRead += h.recordCount
    return null
  }

  const records = await recordsOf(h)
  const kept: Array<{ timestamp: number; offsetDelta: number; tailStart: number; end: number }> = []
  let tombstones = false
  const base = h.baseOffset
  forEachRecord(records, h.recordCount, base, h.baseTimestamp, (r) => {
    stats.messagesRead++
    if (discardRecords) return
    if (!control && !shouldRetainRecord(records, r.offset, r.keyStart, r.keyLength, r.valueLength, horizon, ctx)) return
    if (r.valueLength < 0) tombstones = true
    kept.push({ timestamp: r.timestamp, offsetDelta: r.offset - base, tailStart: r.tailStart, end: r.end })
  })

  if (kept.length === 0) return retention === Retention.RetainEmpty ? emptyHeader(h) : null
  stats.messagesRetained += kept.length
  const needHorizon = (tombstones || (canDiscard && control)) && horizon < 0
  if (kept.length === h.recordCount && !needHorizon) {
    stats.bytesRetained += size
    return h.buffer.subarray(h.position, h.end)
  }
  const out = await rebuild(h, records, kept, needHorizon ? ctx.now + ctx.deleteRetentionMs : horizon)
  stats.bytesRetained += out.length
  return out
}

function isLastBatchOfProducer(h: BatchHeader, lastRecords: ReadonlyMap<number, ProducerLastRecord>): boolean {
  const last = lastRecords.get(h.producerId)
  if (last === undefined) return false
  return last.lastDataOffset >= 0 ? h.lastOffset === last.lastDataOffset : h.isControl && h.producerEpoch === last.producerEpoch
}

/** Kafka's Cleaner.shouldRetainRecord: the key's latest record, and not a tombstone past its horizon. */
function shouldRetainRecord(records: Buffer, offset: number, keyStart: number, keyLength: number, valueLength: number, horizon: number, ctx: FilterContext): boolean {
  if (offset > ctx.map.latestOffset) return true
  if (keyLength < 0) {
    ctx.stats.invalidMessages++
    return false
  }
  const latest = offset >= ctx.map.get(records, keyStart, keyStart + keyLength)
  return latest && (valueLength >= 0 || horizon < 0 || ctx.now < horizon)
}

/** Kafka's DefaultRecordBatch.writeEmptyHeader: the batch's offsets and producer fields, no records. */
function emptyHeader(h: BatchHeader): Buffer {
  const attributes = (h.timestampType === TimestampType.LogAppendTime ? TIMESTAMP_TYPE_BIT : 0) | (h.isTransactional ? TRANSACTIONAL_BIT : 0) | (h.isControl ? CONTROL_BIT : 0)
  return writeHeader(Buffer.alloc(BATCH.RECORDS), h, attributes, -1, h.maxTimestamp, 0)
}

function writeHeader(buf: Buffer, h: BatchHeader, attributes: number, baseTimestamp: number, maxTimestamp: number, count: number): Buffer {
  writeInt64(buf, BATCH.BASE_OFFSET, h.baseOffset)
  buf.writeInt32BE(buf.length - BATCH.LOG_OVERHEAD, BATCH.LENGTH)
  buf.writeInt32BE(h.partitionLeaderEpoch, BATCH.PARTITION_LEADER_EPOCH)
  buf.writeInt8(MAGIC_V2, BATCH.MAGIC)
  buf.writeInt16BE(attributes, BATCH.ATTRIBUTES)
  buf.writeInt32BE(h.lastOffsetDelta, BATCH.LAST_OFFSET_DELTA)
  writeInt64(buf, BATCH.BASE_TIMESTAMP, baseTimestamp)
  writeInt64(buf, BATCH.MAX_TIMESTAMP, maxTimestamp)
  writeInt64(buf, BATCH.PRODUCER_ID, h.producerId)
  buf.writeInt16BE(h.producerEpoch, BATCH.PRODUCER_EPOCH)
  buf.writeInt32BE(h.baseSequence, BATCH.BASE_SEQUENCE)
  buf.writeInt32BE(count, BATCH.RECORD_COUNT)
  BatchHeader.view(buf, 0).updateCrc()
  return buf
}

/**
 * Kafka's buildRetainedRecordsInto: the kept records, re-encoded against the new base timestamp
 * (the delete horizon when there is one, else the first kept record's), in the batch's codec.
 */
async function rebuild(h: BatchHeader, records: Buffer, kept: ReadonlyArray<{ timestamp: number; offsetDelta: number; tailStart: number; end: number }>, horizon: number): Promise<Buffer> {
  const baseTimestamp = horizon >= 0 ? horizon : kept[0]!.timestamp
  let total = 0
  let maxTimestamp = -1
  for (const r of kept) {
    const body = 1 + varlongSize(r.timestamp - baseTimestamp) + varlongSize(r.offsetDelta) + (r.end - r.tailStart)
    total += varlongSize(body) + body
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp
  }
  let body: Buffer = Buffer.allocUnsafe(total)
  let pos = 0
  for (const r of kept) {
    const tsDelta = r.timestamp - baseTimestamp
    pos = writeVarlong(body, pos, 1 + varlongSize(tsDelta) + varlongSize(r.offsetDelta) + (r.end - r.tailStart))
    body[pos++] = 0
    pos = writeVarlong(body, pos, tsDelta)
    pos = writeVarlong(body, pos, r.offsetDelta)
    pos += records.copy(body, pos, r.tailStart, r.end)
  }
  if (h.compression !== 0) body = await compress(h.compression, body)
  const attributes = (h.attributes & (COMPRESSION_MASK | TIMESTAMP_TYPE_BIT | TRANSACTIONAL_BIT | CONTROL_BIT)) | (horizon >= 0 ? DELETE_HORIZON_BIT : 0)
  if (h.timestampType === TimestampType.LogAppendTime) maxTimestamp = h.maxTimestamp
  const out = Buffer.allocUnsafe(BATCH.RECORDS + body.length)
  body.copy(out, BATCH.RECORDS)
  return writeHeader(out, h, attributes, baseTimestamp, maxTimestamp, kept.length)
}
