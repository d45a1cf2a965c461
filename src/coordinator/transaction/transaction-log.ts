/**
 * __transaction_state records, byte for byte as Kafka writes them (one record per change, keyed
 * by transactional id, so compaction keeps each id's last state):
 *
 * Key:   int16 version (0), then TransactionLogKey v0: transactional id (int16-length string).
 * Value: int16 version (0), then TransactionLogValue v0: producer id int64, producer epoch int16,
 *        transaction timeout int32, status int8 (TxnState's byte), partitions (int32-count array
 *        of topic string + int32 array of partition ids; null while Empty), last update
 *        timestamp int64, start timestamp int64. v1 is the flexible form (tagged fields).
 *        A null value (tombstone) removes the transactional id.
 */
import { decodeTransactionLogKey, encodeTransactionLogKey } from '../../protocol/generated/records/transaction-log-key.js'
import { decodeTransactionLogValue, encodeTransactionLogValue } from '../../protocol/generated/records/transaction-log-value.js'
import { Reader } from '../../protocol/primitives/reader.js'
import { Writer } from '../../protocol/primitives/writer.js'
import { partitionForGroup } from '../group/partition-for-group.js'
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID, PartitionSet, TransactionMetadata } from './transaction-metadata.js'
import type { TxnTransit } from './transaction-metadata.js'
import { TxnState, txnStateOf, txnStatusByte } from './transaction-state.js'

export const TRANSACTION_STATE_TOPIC = '__transaction_state'

/** One record of a __transaction_state partition. */
export interface TxnLogRecord {
  readonly key: Buffer
  readonly value: Buffer | null
}

const KEY_VERSION = 0
const VALUE_VERSION = 0
const MAX_VALUE_VERSION = 1

/** Kafka's placement: `Utils.abs(transactionalId.hashCode()) % transaction.state.log.num.partitions`. */
export function partitionForTransactionalId(transactionalId: string, partitions: number): number {
  return partitionForGroup(transactionalId, partitions)
}

export function txnRecord(transactionalId: string, transit: TxnTransit): TxnLogRecord {
  const key = txnKey(transactionalId)
  if (transit.state === TxnState.Dead) return { key, value: null }
  const value = new Writer(64 + transit.partitions.size * 8)
  value.writeInt16(VALUE_VERSION)
  encodeTransactionLogValue(value, VALUE_VERSION, {
    producerId: transit.producerId,
    producerEpoch: transit.producerEpoch,
    transactionTimeoutMs: transit.timeoutMs,
    transactionStatus: txnStatusByte[transit.state],
    transactionPartitions: transit.state === TxnState.Empty ? null : transit.partitions.byTopic().map(({ topic, partitions }) => ({ topic, partitionIds: partitions })),
    transactionLastUpdateTimestampMs: BigInt(transit.lastUpdateTimestamp),
    transactionStartTimestampMs: BigInt(transit.startTimestamp),
  })
  return { key, value: value.toBuffer() }
}

function txnKey(transactionalId: string): Buffer {
  const w = new Writer(4 + transactionalId.length * 3)
  w.writeInt16(KEY_VERSION)
  encodeTransactionLogKey(w, KEY_VERSION, { transactionalId })
  return w.toBuffer()
}

/** The transactional id of a record and its metadata (undefined for a tombstone). Throws on bytes Kafka would not write. */
export function decodeTxnRecord(record: TxnLogRecord): { transactionalId: string; metadata: TransactionMetadata | undefined } {
  const key = new Reader(record.key)
  const keyVersion = key.readInt16()
  if (keyVersion !== KEY_VERSION) throw new Error(`unknown TransactionLogKey version ${keyVersion}`)
  const { transactionalId } = decodeTransactionLogKey(key, keyVersion)
  if (record.value === null) return { transactionalId, metadata: undefined }
  const r = new Reader(record.value)
  const version = r.readInt16()
  if (version < 0 || version > MAX_VALUE_VERSION) throw new Error(`unknown TransactionLogValue version ${version}`)
  const v = decodeTransactionLogValue(r, version)
  const partitions = new PartitionSet()
  for (const t of v.transactionPartitions ?? []) for (const p of t.partitionIds) partitions.add(t.topic, p)
  const metadata = new TransactionMetadata(transactionalId, {
    producerId: v.producerId,
    lastProducerId: NO_PRODUCER_ID,
    producerEpoch: v.producerEpoch,
    lastProducerEpoch: NO_PRODUCER_EPOCH,
    timeoutMs: v.transactionTimeoutMs,
    state: txnStateOf(v.transactionStatus),
    partitions,
    startTimestamp: Number(v.transactionStartTimestampMs),
    lastUpdateTimestamp: Number(v.transactionLastUpdateTimestampMs),
  })
  return { transactionalId, metadata }
}
