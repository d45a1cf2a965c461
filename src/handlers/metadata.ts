// Metadata v0-12. v0: an empty topic list means all topics; v1+: null means all. v1: controllerId,
// isInternal, rack. v2: clusterId. v3: throttleTimeMs. v4: allowAutoTopicCreation. v5:
// offlineReplicas. v6: LISTENER_NOT_FOUND instead of LEADER_NOT_AVAILABLE. v7: leaderEpoch.
// v8: authorized operations. v9: flexible. v10: topic ids. v11: no cluster operations.
// v12: topics may be requested by id.
import type { Cluster } from '../cluster/cluster.js'
import { INTERNAL_TOPICS, topicNameProblem } from '../cluster/topic-name.js'
import type { TopicInfo } from '../cluster/topic-registry.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { KafkaError } from '../protocol/kafka-error.js'
import { Metadata } from '../protocol/generated/metadata.js'
import type { MetadataRequest, MetadataResponseTopic } from '../protocol/generated/metadata.js'
import { ZERO_UUID } from '../protocol/primitives/uuid.js'
import { ALL_CLUSTER_OPERATIONS, ALL_TOPIC_OPERATIONS, OPERATIONS_NOT_REQUESTED } from './authorized-operations.js'
import { defineHandler } from './handler.js'

/** Every partition of a topic lives on this node at leader epoch 0 (one node, no elections). */
const LEADER_EPOCH = 0

export const metadata = defineHandler({
  api: Metadata,
  minVersion: 0,
  maxVersion: 12,
  handle: (req, ctx) => {
    const { cluster } = ctx.services
    const version = ctx.apiVersion
    const endpoint = cluster.endpointFor(ctx.connection.listenerName)
    const topicOps = req.includeTopicAuthorizedOperations ? ALL_TOPIC_OPERATIONS : OPERATIONS_NOT_REQUESTED
    // Without an address on this listener, leaders cannot be reached through it (Kafka's rule).
    const leaderError = endpoint
      ? ErrorCode.NONE
      : version >= 6
        ? ErrorCode.LISTENER_NOT_FOUND
        : ErrorCode.LEADER_NOT_AVAILABLE
    const describe = (topic: TopicInfo): MetadataResponseTopic => ({
      ...describeTopic(cluster, topic, leaderError),
      topicAuthorizedOperations: topicOps,
    })
    return {
      throttleTimeMs: 0,
      brokers: endpoint ? [{ nodeId: cluster.nodeId, host: endpoint.host, port: endpoint.port, rack: null }] : [],
      clusterId: cluster.clusterId,
      controllerId: cluster.controllerId,
      topics: requestedTopics(req, version, cluster, describe),
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : OPERATIONS_NOT_REQUESTED,
    }
  },
  // As Kafka's MetadataRequest.getErrorResponse: every requested topic carries the error.
  errorResponse: (req, errorCode, ctx) => ({
    throttleTimeMs: 0,
    brokers: [],
    clusterId: ctx.services.cluster.clusterId,
    controllerId: ctx.services.cluster.controllerId,
    topics: (req.topics ?? []).map((t) => missingTopic(errorCode, t.name, t.topicId)),
    clusterAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
  }),
})

function requestedTopics(
  req: MetadataRequest,
  version: number,
  cluster: Cluster,
  describe: (t: TopicInfo) => MetadataResponseTopic,
): MetadataResponseTopic[] {
  const all = req.topics === null || (version === 0 && req.topics.length === 0)
  if (all) return [...cluster.topics.list()].map(describe)
  const answers = new Map<string, MetadataResponseTopic>()
  for (const { name, topicId } of req.topics ?? []) {
    if (version < 12 && (name === null || topicId !== ZERO_UUID)) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Metadata v${version} requests topics by name only`)
    }
    if (name === null) {
      const topic = cluster.topics.byId(topicId)
      answers.set(`id:${topicId}`, topic ? describe(topic) : missingTopic(ErrorCode.UNKNOWN_TOPIC_ID, null, topicId))
      continue
    }
    const topic = cluster.topics.get(name)
    if (topic) answers.set(name, describe(topic))
    else {
      // Auto-creation comes with the topic-management issue; until then a missing topic is an error.
      const error = topicNameProblem(name) ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      answers.set(name, missingTopic(error, name, ZERO_UUID))
    }
  }
  return [...answers.values()]
}

function describeTopic(cluster: Cluster, topic: TopicInfo, leaderError: number): Omit<MetadataResponseTopic, 'topicAuthorizedOperations'> {
  const node = cluster.nodeId
  const partitions = []
  for (let i = 0; i < topic.partitions; i++) {
    partitions.push({
      errorCode: leaderError,
      partitionIndex: i,
      leaderId: leaderError === ErrorCode.NONE ? node : -1,
      leaderEpoch: LEADER_EPOCH,
      replicaNodes: [node],
      isrNodes: [node],
      offlineReplicas: [],
    })
  }
  return { errorCode: ErrorCode.NONE, name: topic.name, topicId: topic.topicId, isInternal: topic.internal, partitions }
}

function missingTopic(errorCode: number, name: string | null, topicId: string): MetadataResponseTopic {
  return {
    errorCode,
    name,
    topicId,
    isInternal: name !== null && INTERNAL_TOPICS.has(name),
    partitions: [],
    topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
  }
}
