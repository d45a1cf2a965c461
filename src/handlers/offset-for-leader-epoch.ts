// OffsetForLeaderEpoch v2-4 (Kafka 4.0 serves v2+). v2: currentLeaderEpoch fencing. v3: replicaId
// (consumers send -1, debug tools -2; Kafka answers every replica id alike). v4: flexible.
// Consumers ask it after a leader change to detect log truncation (KIP-320).
import { ErrorCode } from '../protocol/error-codes.js'
import { OffsetForLeaderEpoch } from '../protocol/generated/offset-for-leader-epoch.js'
import type { EpochEndOffset } from '../protocol/generated/offset-for-leader-epoch.js'
import type { PartitionLog } from '../storage/partition-log.js'
import { defineHandler } from './handler.js'
import { LEADER_EPOCH } from './metadata.js'

const UNDEFINED = -1

export const offsetForLeaderEpoch = defineHandler({
  api: OffsetForLeaderEpoch,
  minVersion: 2,
  maxVersion: 4,
  handle: (req, ctx) => ({
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p): EpochEndOffset => {
        const log = ctx.services.replicas.partition(t.topic, p.partition)
        const failed = (errorCode: number): EpochEndOffset => ({ errorCode, partition: p.partition, leaderEpoch: UNDEFINED, endOffset: -1n })
        if (!log) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        // Partition.checkCurrentLeaderEpoch: -1 skips the check.
        if (p.currentLeaderEpoch !== UNDEFINED && p.currentLeaderEpoch < LEADER_EPOCH) return failed(ErrorCode.FENCED_LEADER_EPOCH)
        if (p.currentLeaderEpoch > LEADER_EPOCH) return failed(ErrorCode.UNKNOWN_LEADER_EPOCH)
        const found = endOffsetFor(log, p.leaderEpoch)
        return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: found.epoch, endOffset: BigInt(found.endOffset) }
      }),
    })),
  }),
})

/**
 * Kafka's LeaderEpochFileCache.endOffsetFor: the latest epoch ends at the log end; an epoch above
 * it is undefined; another ends where the next known epoch starts, and is answered as the largest
 * known epoch at or below it, or as itself when it is older than every known epoch (ending where
 * the log's first epoch starts, the log start offset once retention has moved it).
 */
function endOffsetFor(log: PartitionLog, epoch: number): { epoch: number; endOffset: number } {
  const latest = log.latestOffset().leaderEpoch
  if (epoch === UNDEFINED || latest === UNDEFINED || epoch > latest) return { epoch: UNDEFINED, endOffset: UNDEFINED }
  if (epoch === latest) return { epoch, endOffset: log.logEndOffset }
  const found = log.endOffsetForEpoch(epoch)
  return found.epoch === UNDEFINED ? { epoch, endOffset: log.logStartOffset } : found
}
