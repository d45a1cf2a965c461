// AlterPartitionReassignments v0. Each partition has one replica, on this node: a target of exactly
// [this node] is already in place (nothing to do, as Kafka's controller), any other broker is
// refused as unregistered, and cancelling (null replicas) finds no reassignment in progress.
import { assignmentProblem } from '../cluster/topic-placement.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { AlterPartitionReassignments } from '../protocol/generated/alter-partition-reassignments.js'
import type { ReassignablePartitionResponse } from '../protocol/generated/alter-partition-reassignments.js'
import { defineHandler } from './handler.js'

/** Errors.NO_REASSIGNMENT_IN_PROGRESS's default message. */
const NO_REASSIGNMENT = 'No partition reassignment is in progress.'

export const alterPartitionReassignments = defineHandler({
  api: AlterPartitionReassignments,
  minVersion: 0,
  maxVersion: 0,
  handle: (req, ctx) => {
    const { cluster } = ctx.services
    const brokers = { brokerIds: [cluster.nodeId], defaultPartitions: 1, defaultReplicationFactor: 1 }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      responses: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p): ReassignablePartitionResponse => {
          const fail = (errorCode: number, errorMessage: string) => ({ partitionIndex: p.partitionIndex, errorCode, errorMessage })
          const topic = cluster.topics.get(t.name)
          if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find a topic named ${t.name}.`)
          if (p.partitionIndex < 0 || p.partitionIndex >= topic.partitions) {
            return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find partition ${t.name}:${p.partitionIndex}.`)
          }
          if (p.replicas === null) return fail(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, NO_REASSIGNMENT)
          const problem = assignmentProblem(p.replicas, brokers)
          if (problem) return fail(problem.errorCode, problem.errorMessage ?? '')
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null }
        }),
      })),
    }
  },
})
