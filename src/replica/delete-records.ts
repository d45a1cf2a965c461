/**
 * DeleteRecords for one partition, as Kafka's ReplicaManager.deleteRecords and
 * Partition.deleteRecordsOnLeader: the log start offset moves up to the requested offset (-1: the
 * high watermark) and whole segments below it are deleted. The answer's low watermark is the log
 * start offset afterwards (one replica: no follower to wait for); -1 on errors.
 */
import { INTERNAL_TOPICS } from '../cluster/topic-name.js'
import type { TopicRegistry } from '../cluster/topic-registry.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { ReplicaManager } from './replica-manager.js'

/** DeleteRecordsRequest.HIGH_WATERMARK */
export const HIGH_WATERMARK = -1n
/** DeleteRecordsResponse.INVALID_LOW_WATERMARK */
const INVALID_LOW_WATERMARK = -1n

export interface DeleteRecordsResult {
  readonly lowWatermark: bigint
  readonly errorCode: number
}

export interface DeleteRecordsContext {
  readonly topics: TopicRegistry
  readonly replicas: ReplicaManager
}

export async function deleteRecordsBefore(
  ctx: DeleteRecordsContext,
  topic: string,
  partition: number,
  offset: bigint,
): Promise<DeleteRecordsResult> {
  const info = ctx.topics.get(topic)
  if (!info || partition < 0 || partition >= info.partitions) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  if (INTERNAL_TOPICS.has(topic)) return failed(ErrorCode.INVALID_TOPIC_EXCEPTION)
  const log = ctx.replicas.partition(topic, partition)
  if (!log) return failed(ErrorCode.NOT_LEADER_OR_FOLLOWER)
  if (!log.config.cleanupPolicy.includes('delete')) return failed(ErrorCode.POLICY_VIOLATION)
  const target = offset === HIGH_WATERMARK ? BigInt(log.highWatermark) : offset
  if (target < 0n || target > BigInt(log.highWatermark)) return failed(ErrorCode.OFFSET_OUT_OF_RANGE)
  try {
    return { lowWatermark: BigInt(await log.deleteRecordsBefore(Number(target))), errorCode: ErrorCode.NONE }
  } catch (err) {
    // The high watermark cannot move down, but the log may be deleted or closed meanwhile.
    if (err instanceof RangeError) return failed(ErrorCode.OFFSET_OUT_OF_RANGE)
    throw err
  }
}

function failed(errorCode: number): DeleteRecordsResult {
  return { lowWatermark: INVALID_LOW_WATERMARK, errorCode }
}
