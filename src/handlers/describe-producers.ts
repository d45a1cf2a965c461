// DescribeProducers v0 (KIP-664, flexible): each requested partition's active producers as its
// producer state holds them (ReplicaManager.activeProducerState): id, epoch, last sequence and
// timestamp, the coordinator epoch of its last marker and the start of its open transaction
// (-1 when none). A partition the topic does not have → UNKNOWN_TOPIC_OR_PARTITION; one without a
// log on this node (being created or deleted) → NOT_LEADER_OR_FOLLOWER.
import { ErrorCode } from '../protocol/error-codes.js'
import { DescribeProducers } from '../protocol/generated/describe-producers.js'
import type { PartitionResponse, ProducerState } from '../protocol/generated/describe-producers.js'
import type { PartitionLog } from '../storage/partition-log.js'
import { defineHandler } from './handler.js'

function failed(partitionIndex: number, errorCode: number): PartitionResponse {
  return { partitionIndex, errorCode, errorMessage: null, activeProducers: [] }
}

function producersOf(log: PartitionLog): ProducerState[] {
  const out: ProducerState[] = []
  for (const e of log.producerState.activeProducers()) {
    out.push({
      producerId: BigInt(e.producerId),
      producerEpoch: e.producerEpoch,
      lastSequence: e.lastSeq,
      lastTimestamp: BigInt(e.lastTimestamp),
      coordinatorEpoch: e.coordinatorEpoch,
      currentTxnStartOffset: BigInt(e.currentTxnFirstOffset),
    })
  }
  return out
}

export const describeProducers = defineHandler({
  api: DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  handle: (req, ctx) => {
    const { cluster, replicas } = ctx.services
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => {
        const topic = cluster.topics.get(t.name)
        return {
          name: t.name,
          partitions: t.partitionIndexes.map((p) => {
            if (topic === undefined || p < 0 || p >= topic.partitions) return failed(p, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
            const log = replicas.partition(t.name, p)
            if (log === undefined) return failed(p, ErrorCode.NOT_LEADER_OR_FOLLOWER)
            return { partitionIndex: p, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: producersOf(log) }
          }),
        }
      }),
    }
  },
})
