// DescribeTopicPartitions v0 (KIP-966). Topics named in the request (or all of them) in name order,
// from the cursor on, with at most responsePartitionLimit partitions (capped by Kafka's
// max.request.partition.size.limit default); nextCursor says where the next page starts.
import { topicNameProblem } from '../cluster/topic-name.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { DescribeTopicPartitions } from '../protocol/generated/describe-topic-partitions.js'
import type {
  DescribeTopicPartitionsResponse,
  DescribeTopicPartitionsResponsePartition,
} from '../protocol/generated/describe-topic-partitions.js'
import { KafkaError } from '../protocol/kafka-error.js'
import { ZERO_UUID } from '../protocol/primitives/uuid.js'
import { ALL_TOPIC_OPERATIONS } from './authorized-operations.js'
import { defineHandler } from './handler.js'
import { LEADER_EPOCH } from './metadata.js'

/** Kafka's max.request.partition.size.limit default; Brook does not make it configurable. */
const MAX_PARTITIONS_PER_RESPONSE = 2000

export const describeTopicPartitions = defineHandler({
  api: DescribeTopicPartitions,
  minVersion: 0,
  maxVersion: 0,
  handle: (req, ctx) => {
    const { cluster } = ctx.services
    const cursor = req.cursor
    if (cursor && cursor.partitionIndex < 0) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Partition index in the cursor cannot be negative.')
    const all = req.topics.length === 0
    const from = cursor?.topicName ?? ''
    const names = (all ? [...cluster.topics.list()].map((t) => t.name) : [...new Set(req.topics.map((t) => t.name))])
      .filter((n) => n >= from)
      .sort()
    let remaining = Math.min(req.responsePartitionLimit, MAX_PARTITIONS_PER_RESPONSE)
    const response: DescribeTopicPartitionsResponse = { throttleTimeMs: 0, topics: [], nextCursor: null }
    for (const name of names) {
      if (remaining <= 0) {
        // The previous topic was answered in full: the next page starts at this one.
        response.nextCursor = { topicName: name, partitionIndex: 0 }
        break
      }
      const topic = cluster.topics.get(name)
      if (!topic) {
        // Listing all topics hides the ones that vanished meanwhile; named ones are answered.
        if (!all) response.topics.push(missing(name))
        continue
      }
      const start = name === cursor?.topicName ? cursor.partitionIndex : 0
      const end = Math.min(topic.partitions, start + remaining)
      response.topics.push({
        errorCode: ErrorCode.NONE,
        name,
        topicId: topic.topicId,
        isInternal: topic.internal,
        partitions: partitions(start, end, cluster.nodeId),
        topicAuthorizedOperations: ALL_TOPIC_OPERATIONS,
      })
      if (end < topic.partitions) {
        response.nextCursor = { topicName: name, partitionIndex: end }
        break
      }
      remaining -= Math.max(0, end - start)
    }
    return response
  },
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ ...missing(t.name), errorCode })),
    nextCursor: null,
  }),
})

function missing(name: string) {
  return {
    errorCode: topicNameProblem(name) ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    name,
    topicId: ZERO_UUID,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: ALL_TOPIC_OPERATIONS,
  }
}

function partitions(start: number, end: number, nodeId: number): DescribeTopicPartitionsResponsePartition[] {
  const out: DescribeTopicPartitionsResponsePartition[] = []
  for (let p = start; p < end; p++) {
    out.push({
      errorCode: ErrorCode.NONE,
      partitionIndex: p,
      leaderId: nodeId,
      leaderEpoch: LEADER_EPOCH,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      eligibleLeaderReplicas: [],
      lastKnownElr: [],
      offlineReplicas: [],
    })
  }
  return out
}
