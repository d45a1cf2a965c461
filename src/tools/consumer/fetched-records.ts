/**
 * Decodes the records of one fetched partition for printing: whole batches only (a fetch may
 * end inside one), control batches skipped, and under read_committed the batches of aborted
 * transactions dropped using the response's aborted-transaction list, as Kafka's consumer does.
 */
import type { AbortedTransaction } from '../../protocol/generated/fetch.js'
import { TimestampType } from '../../protocol/records/attributes.js'
import { BATCH, BatchHeader } from '../../protocol/records/batch-header.js'
import { decompressSync } from '../../protocol/records/compression/index.js'
import { ControlRecordType, decodeControlType } from '../../protocol/records/control-record.js'
import { readRecords } from '../../protocol/records/record-reader.js'
import type { RecordHeader } from '../../protocol/records/record.js'

export interface ConsumedRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly timestamp: number
  readonly timestampType: 'CreateTime' | 'LogAppendTime'
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly RecordHeader[]
}

/** Records at or after `fromOffset`, in offset order. */
export function decodeFetched(
  topic: string,
  partition: number,
  records: Buffer,
  fromOffset: number,
  aborted: readonly AbortedTransaction[] | null,
): ConsumedRecord[] {
  const out: ConsumedRecord[] = []
  const pendingAborts = [...(aborted ?? [])].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1))
  const abortedProducers = new Set<bigint>()
  let pos = 0
  while (pos + BATCH.RECORDS <= records.length) {
    const header = BatchHeader.view(records, pos)
    const end = pos + header.sizeInBytes
    if (end > records.length) break
    pos = end
    while (pendingAborts.length > 0 && pendingAborts[0]!.firstOffset <= BigInt(header.lastOffset)) {
      abortedProducers.add(pendingAborts.shift()!.producerId)
    }
    const producerId = BigInt(header.producerId)
    if (header.isControl) {
      const marker = header.compression === 0 ? readRecords(header).next().value : undefined
      if (marker && decodeControlType(marker.key) === ControlRecordType.Abort) abortedProducers.delete(producerId)
      continue
    }
    if (header.isTransactional && abortedProducers.has(producerId)) continue
    if (header.lastOffset < fromOffset) continue
    const body = header.compression === 0 ? undefined : decompressSync(header.compression, records.subarray(header.recordsStart, header.end))
    const timestampType = header.timestampType === TimestampType.LogAppendTime ? 'LogAppendTime' : 'CreateTime'
    for (const r of readRecords(header, body)) {
      if (r.offset < fromOffset) continue
      out.push({ topic, partition, offset: r.offset, timestamp: r.timestamp, timestampType, key: r.key, value: r.value, headers: r.headers })
    }
  }
  return out
}
