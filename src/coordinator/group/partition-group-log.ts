/**
 * The broker's GroupLog: each append is one v2 record batch (CreateTime now, compressed with
 * offsets.topic.compression.codec; transactional under the producer's id and epoch for
 * TxnOffsetCommit) appended to the __consumer_offsets partition's log, as Kafka's coordinator
 * writes it. `replayPartition` reads a partition back for GroupCoordinator.loadPartition.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaError } from '../../protocol/kafka-error.js'
import type { CompressionType } from '../../protocol/records/index.js'
import type { Clock } from '../../storage/clock.js'
import type { PartitionLog } from '../../storage/partition-log.js'
import { appendCoordinatorRecords, replayCoordinatorLog } from '../coordinator-log.js'
import type { ReplayedEntry, TxnProducer } from '../coordinator-log.js'
import type { GroupLog } from './group-log.js'
import type { GroupLogRecord } from './records.js'

export const OFFSETS_TOPIC = '__consumer_offsets'

export interface PartitionGroupLogOptions {
  /** The log of __consumer_offsets partition `p`, or undefined when it has none. */
  readonly partition: (p: number) => PartitionLog | undefined
  readonly compression: CompressionType
  readonly clock: Clock
}

export class PartitionGroupLog implements GroupLog {
  readonly #partition: (p: number) => PartitionLog | undefined
  readonly #compression: CompressionType
  readonly #clock: Clock

  constructor(options: PartitionGroupLogOptions) {
    this.#partition = options.partition
    this.#compression = options.compression
    this.#clock = options.clock
  }

  async append(partition: number, records: readonly GroupLogRecord[], transactional?: TxnProducer): Promise<void> {
    const log = this.#partition(partition)
    if (!log) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    await appendCoordinatorRecords(log, records, { timestamp: this.#clock.now(), compression: this.#compression, ...(transactional ? { transactional } : {}) })
  }
}

/**
 * Every record of the partition from its log start to its end at the time of the call, with
 * the producer id of transactional batches, and the COMMIT/ABORT markers that settle them.
 */
export function replayPartition(log: PartitionLog): AsyncGenerator<ReplayedEntry> {
  return replayCoordinatorLog(log)
}
