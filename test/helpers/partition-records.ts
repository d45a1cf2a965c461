/**
 * Reads a partition back through the storage, without Fetch: every batch as stored and every
 * record decoded, for tests that assert exactly what a producer wrote.
 */
import type { Broker } from '../../src/broker.js'
import { BatchHeader } from '../../src/protocol/records/batch-header.js'
import { decompressSync } from '../../src/protocol/records/compression/index.js'
import { readRecords } from '../../src/protocol/records/record-reader.js'
import type { Record } from '../../src/protocol/records/record.js'

export interface StoredBatch {
  baseOffset: number
  lastOffset: number
  compression: number
  partitionLeaderEpoch: number
  timestampType: number
  maxTimestamp: number
  crcValid: boolean
  records: Record[]
}

export async function readPartition(broker: Broker, topic: string, partition: number): Promise<StoredBatch[]> {
  const log = broker.replicas.partition(topic, partition)
  if (!log) throw new Error(`no log for ${topic}-${partition}`)
  const batches: StoredBatch[] = []
  for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
    const { records } = await log.read(offset, 1024 * 1024)
    if (records.length === 0) break
    for (let pos = 0; pos < records.length; ) {
      const h = BatchHeader.view(records, pos)
      const body = h.compression === 0 ? undefined : decompressSync(h.compression, records.subarray(h.recordsStart, h.end))
      batches.push({
        baseOffset: h.baseOffset,
        lastOffset: h.lastOffset,
        compression: h.compression,
        partitionLeaderEpoch: h.partitionLeaderEpoch,
        timestampType: h.timestampType,
        maxTimestamp: h.maxTimestamp,
        crcValid: h.crcMatches(),
        records: [...readRecords(h, body)],
      })
      offset = h.nextOffset
      pos += h.sizeInBytes
    }
  }
  return batches
}

/** The records of a partition in offset order, values and keys as UTF-8 text. */
export async function readPartitionText(broker: Broker, topic: string, partition: number) {
  const batches = await readPartition(broker, topic, partition)
  return batches.flatMap((b) =>
    b.records.map((r) => ({
      offset: r.offset,
      key: r.key?.toString() ?? null,
      value: r.value?.toString() ?? null,
      headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString() ?? null])),
      timestamp: r.timestamp,
    })),
  )
}
