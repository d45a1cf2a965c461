/**
 * Writes a produced batch again under the topic's codec (Kafka's buildRecordsAndAssignOffsets):
 * same records (timestamps, keys, values, headers), offsets renumbered 0..n-1, and the
 * producer id, epoch, base sequence, transactional flag and partition leader epoch kept.
 * Compression runs through the async codecs so that large batches leave the event loop.
 */
import { compress } from '../protocol/records/compression/index.js'
import { TIMESTAMP_TYPE_BIT, type CompressionType } from '../protocol/records/attributes.js'
import { buildBatch } from '../protocol/records/batch-builder.js'
import { BATCH, BatchHeader, writeInt64 } from '../protocol/records/batch-header.js'
import { readRecords } from '../protocol/records/record-reader.js'
import type { TargetCompression } from './validator-config.js'

/**
 * Rebuilds `header`'s batch from `region`, its uncompressed records. `logAppendTime` stamps a
 * LogAppendTime topic's batch; null keeps CreateTime. Throws CorruptRecordError if the
 * records do not decode.
 */
export async function rebuildBatch(
  header: BatchHeader,
  region: Buffer,
  target: TargetCompression,
  logAppendTime: number | null,
): Promise<Buffer> {
  const plain = buildBatch([...readRecords(header, region)], {
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    transactional: header.isTransactional,
  })
  const out = target.type === 0 ? plain : await withCodec(plain, target.type, target.level)
  if (logAppendTime !== null) {
    out.writeInt16BE(out.readInt16BE(BATCH.ATTRIBUTES) | TIMESTAMP_TYPE_BIT, BATCH.ATTRIBUTES)
    writeInt64(out, BATCH.MAX_TIMESTAMP, logAppendTime)
  }
  if (target.type !== 0 || logAppendTime !== null) BatchHeader.view(out).updateCrc()
  return out
}

/** `plain`'s header over its records region compressed; the caller recomputes the CRC. */
async function withCodec(plain: Buffer, type: CompressionType, level: number | undefined): Promise<Buffer> {
  const body = await compress(type, plain.subarray(BATCH.RECORDS), level)
  const out = Buffer.allocUnsafe(BATCH.RECORDS + body.length)
  plain.copy(out, 0, 0, BATCH.RECORDS)
  body.copy(out, BATCH.RECORDS)
  out.writeInt32BE(out.length - BATCH.LOG_OVERHEAD, BATCH.LENGTH)
  out.writeInt16BE(out.readInt16BE(BATCH.ATTRIBUTES) | type, BATCH.ATTRIBUTES)
  return out
}
