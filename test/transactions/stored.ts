/**
 * A partition as the transaction machinery left it: each record's value (marked `@txn` when it is
 * in a transactional batch) and each COMMIT / ABORT marker, in log order.
 */
import type { Broker } from '../../src/broker.js'
import { BatchHeader } from '../../src/protocol/records/batch-header.js'
import { decompressSync } from '../../src/protocol/records/compression/index.js'
import { ControlRecordType, decodeControlType } from '../../src/protocol/records/control-record.js'
import { readRecords } from '../../src/protocol/records/record-reader.js'

export async function storedLayout(broker: Broker, topic: string, partition: number): Promise<string[]> {
  const log = broker.replicas.partition(topic, partition)
  if (!log) throw new Error(`no log for ${topic}-${partition}`)
  const out: string[] = []
  for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
    const { records } = await log.read(offset, 1024 * 1024)
    if (records.length === 0) break
    for (let pos = 0; pos < records.length; ) {
      const h = BatchHeader.view(records, pos)
      const body = h.compression === 0 ? undefined : decompressSync(h.compression, records.subarray(h.recordsStart, h.end))
      for (const r of readRecords(h, body)) {
        if (h.isControl) out.push(decodeControlType(r.key) === ControlRecordType.Commit ? 'COMMIT' : 'ABORT')
        else out.push(`${r.value?.toString() ?? 'null'}${h.isTransactional ? '@txn' : ''}`)
      }
      offset = h.nextOffset
      pos += h.sizeInBytes
    }
  }
  return out
}
