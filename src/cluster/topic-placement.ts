/**
 * Where a new topic's (or new partitions') replicas go, with the checks and messages of Kafka's
 * ReplicationControlManager and replica placer. Brook has one node, so a replica list is valid
 * only when it is exactly that node, and a replication factor above 1 cannot be placed.
 */
import { ErrorCode } from '../protocol/error-codes.js'

/** A per-topic failure, as CreateTopics / DeleteTopics / CreatePartitions answer it. */
export interface TopicError {
  readonly errorCode: number
  readonly errorMessage: string | null
}

export function topicError(errorCode: number, errorMessage: string | null = null): TopicError {
  return { errorCode, errorMessage }
}

export function isTopicError(value: object): value is TopicError {
  return 'errorCode' in value
}

export interface ReplicaAssignment {
  readonly partitionIndex: number
  readonly brokerIds: readonly number[]
}

export interface PlacementRequest {
  readonly numPartitions: number
  readonly replicationFactor: number
  readonly assignments: readonly ReplicaAssignment[]
}

export interface Brokers {
  /** The registered brokers: this node. */
  readonly brokerIds: readonly number[]
  readonly defaultPartitions: number
  readonly defaultReplicationFactor: number
}

export interface Placement {
  readonly partitions: number
  readonly replicationFactor: number
}

/** CreateTopics: the partition count and replication factor, from the request, the defaults or the manual assignment. */
export function placeNewTopic(req: PlacementRequest, brokers: Brokers): Placement | TopicError {
  if (req.assignments.length > 0) return placeManually(req, brokers)
  if (req.replicationFactor < -1 || req.replicationFactor === 0) {
    return topicError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.')
  }
  if (req.numPartitions < -1 || req.numPartitions === 0) {
    return topicError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.')
  }
  const partitions = req.numPartitions === -1 ? brokers.defaultPartitions : req.numPartitions
  const replicationFactor = req.replicationFactor === -1 ? brokers.defaultReplicationFactor : req.replicationFactor
  const refusal = replicationFactorProblem(replicationFactor, brokers)
  return refusal ?? { partitions, replicationFactor }
}

function placeManually(req: PlacementRequest, brokers: Brokers): Placement | TopicError {
  if (req.replicationFactor !== -1) {
    return topicError(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but replication factor was not set to -1.')
  }
  if (req.numPartitions !== -1) {
    return topicError(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but numPartitions was not set to -1.')
  }
  const seen = new Set<number>()
  let replicationFactor: number | undefined
  for (const a of req.assignments) {
    if (seen.has(a.partitionIndex)) {
      return topicError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Found multiple manual partition assignments for partition ${a.partitionIndex}`)
    }
    const problem = assignmentProblem(a.brokerIds, brokers, replicationFactor)
    if (problem) return problem
    replicationFactor = a.brokerIds.length
    seen.add(a.partitionIndex)
  }
  for (let i = 0; i < seen.size; i++) {
    if (!seen.has(i)) return topicError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'partitions should be a consecutive 0-based integer sequence')
  }
  return { partitions: seen.size, replicationFactor: replicationFactor! }
}

/** Kafka's validateManualPartitionAssignment for one partition's replica list. */
export function assignmentProblem(brokerIds: readonly number[], brokers: Brokers, replicationFactor?: number): TopicError | undefined {
  if (brokerIds.length === 0) {
    return topicError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.')
  }
  const sorted = [...brokerIds].sort((a, b) => a - b)
  let previous: number | undefined
  for (const id of sorted) {
    if (!brokers.brokerIds.includes(id)) {
      return topicError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `The manual partition assignment includes broker ${id}, but no such broker is registered.`,
      )
    }
    if (id === previous) {
      return topicError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes the broker ${id} more than once.`)
    }
    previous = id
  }
  if (replicationFactor !== undefined && sorted.length !== replicationFactor) {
    return topicError(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`,
    )
  }
  return undefined
}

/** The replica placer's refusal of a factor larger than the registered brokers. */
function replicationFactorProblem(replicationFactor: number, brokers: Brokers): TopicError | undefined {
  const registered = brokers.brokerIds.length
  if (replicationFactor <= registered) return undefined
  return topicError(
    ErrorCode.INVALID_REPLICATION_FACTOR,
    `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${registered} broker(s) are registered.`,
  )
}
