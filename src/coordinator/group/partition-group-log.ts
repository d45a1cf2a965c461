/**
 * The broker's GroupLog: each append is one v2 record batch (CreateTime now, no producer id,
 * compressed with offsets.topic.compression.codec) appended to the __consumer_offsets partition's
 * log, as Kafka's coordinator runtime writes it. `replayPartition` reads a partition back for
 * GroupCoordinator.loadPartition.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaError } from '../../protocol/kafka-error.js'
import { BatchHeader, buildBatch, readRecords } from '../../protocol/records/index.js'
import type { CompressionType } from '../../protocol/records/index.js'
import { compressSync, decompress } from '../../protocol/records/compression/index.js'
import { LEADER_EPOCH } from '../../replica/leader-epoch.js'
import type { Clock } from '../../storage/clock.js'
import type { PartitionLog } from '../../storage/partition-log.js'
import { LogClosedError } from '../../storage/partition-log-types.js'
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

  async append(partition: number, records: readonly GroupLogRecord[]): Promise<void> {
    const log = this.#partition(partition)
    if (!log) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    const timestamp = this.#clock.now()
    const batch = buildBatch(
      records.map((r) => ({ timestamp, key: r.key, value: r.value })),
      { compression: this.#compression, compress: (type, bytes) => compressSync(type, bytes) },
    )
    // The size check Produce makes against the topic's max.message.bytes.
    if (batch.length > log.config.maxMessageBytes) throw new KafkaError(ErrorCode.MESSAGE_TOO_LARGE)
    try {
      await log.append(batch, { leaderEpoch: LEADER_EPOCH })
    } catch (err) {
      // Closed under the append: the broker is stopping, and the group moves with the partition.
      if (err instanceof LogClosedError) throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER)
      throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `append to ${OFFSETS_TOPIC}-${partition} failed: ${String(err)}`)
    }
  }
}

/** Bytes read from the log per step while replaying. */
const REPLAY_READ_BYTES = 1024 * 1024

/**
 * Every record of the partition from its log start to its end at the time of the call, skipping
 * control batches (transaction markers), as Kafka's coordinator loader does.
 */
export async function* replayPartition(log: PartitionLog): AsyncGenerator<GroupLogRecord> {
  const end = log.logEndOffset
  let offset = log.logStartOffset
  while (offset < end) {
    const read = await log.read(offset, REPLAY_READ_BYTES)
    if (read.errorCode !== ErrorCode.NONE) throw new KafkaError(read.errorCode, `reading ${OFFSETS_TOPIC}-${log.partition} at ${offset}`)
    if (read.records.length === 0) break
    const header = BatchHeader.view(read.records, 0)
    for (let pos = 0; pos < read.records.length && offset < end; pos += header.sizeInBytes) {
      header.moveTo(read.records, pos)
      offset = header.nextOffset
      if (header.isControl) continue
      const body = header.compression === 0 ? undefined : await decompress(header.compression, read.records.subarray(header.recordsStart, header.end))
      for (const record of readRecords(header, body)) {
        if (record.key === null) throw new Error(`${OFFSETS_TOPIC}-${log.partition} has a record without a key at offset ${record.offset}`)
        yield { key: record.key, value: record.value }
      }
    }
  }
}
