// ElectLeaders v0-2. v1: electionType (0 preferred, 1 unclean; KIP-460) and a top-level errorCode.
// v2: flexible. This node already leads every partition as its only (preferred) replica, so Kafka's
// controller answers ELECTION_NOT_NEEDED for each partition named, and leaves those partitions out
// when the request names none (null: every partition).
import { ErrorCode } from '../protocol/error-codes.js'
import { ElectLeaders } from '../protocol/generated/elect-leaders.js'
import type { PartitionResult, ReplicaElectionResult } from '../protocol/generated/elect-leaders.js'
import { defineHandler } from './handler.js'

/** Errors.ELECTION_NOT_NEEDED's default message, which Kafka's ApiError carries. */
const NOT_NEEDED = 'Leader election not needed for topic partition.'

export const electLeaders = defineHandler({
  api: ElectLeaders,
  minVersion: 0,
  maxVersion: 2,
  handle: (req, ctx) => {
    const { topics } = ctx.services.cluster
    const results: ReplicaElectionResult[] = []
    for (const t of req.topicPartitions ?? []) {
      const topic = topics.get(t.topic)
      const partitionResult = t.partitions.map((partitionId): PartitionResult => {
        if (!topic) return { partitionId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such topic as ${t.topic}` }
        if (partitionId < 0 || partitionId >= topic.partitions) {
          return { partitionId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such partition as ${t.topic}-${partitionId}` }
        }
        return { partitionId, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: NOT_NEEDED }
      })
      results.push({ topic: t.topic, partitionResult })
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: results }
  },
})
