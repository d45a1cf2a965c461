/**
 * What both coordinators do with their internal topics' partition logs: append a batch of their
 * records (optionally transactional, for TxnOffsetCommit), and read a partition back from its
 * start at load time, with the transaction markers they need to settle transactional records.
 */
import { ErrorCode } from '../protocol/error-codes.js'
import { KafkaError } from '../protocol/kafka-error.js'
import { BatchHeader, ControlRecordType, buildBatch, decodeControlType, readRecords } from '../protocol/records/index.js'
import type { CompressionType } from '../protocol/records/index.js'
import { compressSync, decompress } from '../protocol/records/compression/index.js'
import { LEADER_EPOCH } from '../replica/leader-epoch.js'
import type { PartitionLog } from '../storage/partition-log.js'
import { LogClosedError } from '../storage/partition-log-types.js'
import { ProducerStateError } from '../storage/producer-state/producer-state-error.js'

export interface KeyedRecord {
  readonly key: Buffer
  readonly value: Buffer | null
}

/** A transactional batch's producer: its records count only once a COMMIT marker follows. */
export interface TxnProducer {
  readonly producerId: number
  readonly producerEpoch: number
}

export interface CoordinatorAppend {
  readonly timestamp: number
  readonly compression: CompressionType
  /** Writes a transactional batch (sequence 0, as Kafka's coordinator writes them). */
  readonly transactional?: TxnProducer
}

/** Appends the records as one v2 batch; failures become KafkaErrors with the append's code. */
export async function appendCoordinatorRecords(log: PartitionLog, records: readonly KeyedRecord[], o: CoordinatorAppend): Promise<void> {
  const txn = o.transactional
  const batch = buildBatch(
    records.map((r) => ({ timestamp: o.timestamp, key: r.key, value: r.value })),
    {
      compression: o.compression,
      compress: (type, bytes) => compressSync(type, bytes),
      ...(txn ? { transactional: true, producerId: txn.producerId, producerEpoch: txn.producerEpoch, baseSequence: 0 } : {}),
    },
  )
  // The size check Produce makes against the topic's max.message.bytes.
  if (batch.length > log.config.maxMessageBytes) throw new KafkaError(ErrorCode.MESSAGE_TOO_LARGE)
  try {
    await log.append(batch, { leaderEpoch: LEADER_EPOCH })
  } catch (err) {
    // Closed under the append: the broker is stopping.
    if (err instanceof LogClosedError) throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    // A transactional batch from a fenced producer (a stale epoch after the coordinator bumped it).
    if (err instanceof ProducerStateError) throw new KafkaError(err.errorCode, err.message)
    throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `append to ${log.topic}-${log.partition} failed: ${String(err)}`)
  }
}

export type ReplayedEntry =
  | { readonly kind: 'record'; readonly key: Buffer; readonly value: Buffer | null; readonly producerId: number | null }
  | { readonly kind: 'marker'; readonly producerId: number; readonly commit: boolean }

/** Bytes read from the log per step while replaying. */
const REPLAY_READ_BYTES = 1024 * 1024

/**
 * Every record of the partition from its log start to its end at the time of the call, in
 * order; records of transactional batches carry their producer id, and COMMIT/ABORT markers
 * are reported so the caller can settle them, as Kafka's coordinator loaders do.
 */
export async function* replayCoordinatorLog(log: PartitionLog): AsyncGenerator<ReplayedEntry> {
  const end = log.logEndOffset
  let offset = log.logStartOffset
  while (offset < end) {
    const read = await log.read(offset, REPLAY_READ_BYTES)
    if (read.errorCode !== ErrorCode.NONE) throw new KafkaError(read.errorCode, `reading ${log.topic}-${log.partition} at ${offset}`)
    if (read.records.length === 0) break
    const header = BatchHeader.view(read.records, 0)
    for (let pos = 0; pos < read.records.length && offset < end; pos += header.sizeInBytes) {
      header.moveTo(read.records, pos)
      offset = header.nextOffset
      const body = header.compression === 0 ? undefined : await decompress(header.compression, read.records.subarray(header.recordsStart, header.end))
      if (header.isControl) {
        for (const record of readRecords(header, body)) {
          const type = decodeControlType(record.key)
          if (type === ControlRecordType.Commit || type === ControlRecordType.Abort) {
            yield { kind: 'marker', producerId: header.producerId, commit: type === ControlRecordType.Commit }
          }
        }
        continue
      }
      const producerId = header.isTransactional ? header.producerId : null
      for (const record of readRecords(header, body)) {
        if (record.key === null) throw new Error(`${log.topic}-${log.partition} has a record without a key at offset ${record.offset}`)
        yield { kind: 'record', key: record.key, value: record.value, producerId }
      }
    }
  }
}
