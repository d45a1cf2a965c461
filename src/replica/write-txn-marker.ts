/**
 * The leader's side of WriteTxnMarkers: one COMMIT or ABORT control batch appended for a producer,
 * as Kafka's MemoryRecords.withEndTransactionMarker builds it (transactional and control bits,
 * the producer's id and epoch, sequence -1, one control record). The log's producer state makes
 * Kafka's checks (ProducerAppendInfo.appendEndTxnMarker) before the batch gets an offset.
 */
import type { Logger } from '../log.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { buildBatch } from '../protocol/records/batch-builder.js'
import { ControlRecordType, encodeControlKey, encodeEndTxnMarker } from '../protocol/records/control-record.js'
import type { PartitionLog } from '../storage/partition-log.js'
import { LogClosedError } from '../storage/partition-log-types.js'
import { ProducerStateError } from '../storage/producer-state/producer-state-error.js'
import { LEADER_EPOCH } from './leader-epoch.js'

export interface TxnMarker {
  producerId: number
  producerEpoch: number
  coordinatorEpoch: number
  commit: boolean
}

/** The control batch carrying `marker`, stamped with `timestamp`. */
export function buildTxnMarkerBatch(marker: TxnMarker, timestamp: number): Buffer {
  const type = marker.commit ? ControlRecordType.Commit : ControlRecordType.Abort
  return buildBatch([{ timestamp, key: encodeControlKey(type), value: encodeEndTxnMarker(marker.coordinatorEpoch) }], {
    transactional: true,
    control: true,
    producerId: marker.producerId,
    producerEpoch: marker.producerEpoch,
    baseSequence: -1,
    partitionLeaderEpoch: LEADER_EPOCH,
  })
}

export async function writeTxnMarker(log: PartitionLog, marker: TxnMarker, logger: Logger): Promise<number> {
  try {
    await log.append(buildTxnMarkerBatch(marker, Date.now()), { leaderEpoch: LEADER_EPOCH })
    return ErrorCode.NONE
  } catch (err) {
    if (err instanceof ProducerStateError) return err.errorCode
    if (err instanceof LogClosedError) return ErrorCode.NOT_LEADER_OR_FOLLOWER
    logger.error({ err, topic: log.topic, partition: log.partition }, 'writing a transaction marker failed')
    return ErrorCode.KAFKA_STORAGE_ERROR
  }
}
