// Metadata v0-12. v0: an empty topic list means all topics; v1+: null means all. v1: controllerId,
// isInternal, rack. v2: clusterId. v3: throttleTimeMs. v4: allowAutoTopicCreation. v5:
// offlineReplicas. v6: LISTENER_NOT_FOUND instead of LEADER_NOT_AVAILABLE. v7: leaderEpoch.
// v8: authorized operations. v9: flexible. v10: topic ids. v11: no cluster operations.
// v12: topics may be requested by id.
import type { Cluster } from '../cluster/cluster.js'
import { INTERNAL_TOPICS, topicNameProblem } from '../cluster/topic-name.js'
import { isTopicError } from '../cluster/topic-placement.js'
import type { TopicInfo } from '../cluster/topic-registry.js'
import type { Logger } from '../log.js'
import { ErrorCode, errorName } from '../protocol/error-codes.js'
import { KafkaError } from '../protocol/kafka-error.js'
import { Metadata } from '../protocol/generated/metadata.js'
import type { MetadataRequest, MetadataResponseTopic } from '../protocol/generated/metadata.js'
import { ZERO_UUID } from '../protocol/primitives/uuid.js'
import { ALL_CLUSTER_OPERATIONS, ALL_TOPIC_OPERATIONS, OPERATIONS_NOT_REQUESTED } from './authorized-operations.js'
import { defineHandler } from './handler.js'
import type { RequestContext } from './handler.js'

/** Every partition of a topic lives on this node at leader epoch 0 (one node, no elections). */
export const LEADER_EPOCH = 0

export const metadata = defineHandler({
  api: Metadata,
  minVersion: 0,
  maxVersion: 12,
  handle: async (req, ctx) => {
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
      topics: await requestedTopics(req, version, ctx, describe),
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

async function requestedTopics(
  req: MetadataRequest,
  version: number,
  ctx: RequestContext,
  describe: (t: TopicInfo) => MetadataResponseTopic,
): Promise<MetadataResponseTopic[]> {
  const { cluster, config } = ctx.services
  const all = req.topics === null || (version === 0 && req.topics.length === 0)
  if (all) return [...cluster.topics.list()].map(describe)
  const answers = new Map<string, MetadataResponseTopic>()
  const missing = new Set<string>()
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
    else if (topicNameProblem(name)) answers.set(name, missingTopic(ErrorCode.INVALID_TOPIC_EXCEPTION, name, ZERO_UUID))
    else {
      answers.set(name, missingTopic(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, ZERO_UUID))
      missing.add(name)
    }
  }
  // v0-3 always allow auto-creation (the decoder says true); internal topics are the coordinators' to create.
  const creatable = [...missing].filter((name) => !INTERNAL_TOPICS.has(name))
  if (creatable.length > 0 && req.allowAutoTopicCreation && config.get('auto.create.topics.enable')) {
    await autoCreate(cluster, creatable, ctx.log)
  }
  return [...answers.values()]
}

/**
 * Creates missing topics with num.partitions and default.replication.factor. The answer for them
 * stays UNKNOWN_TOPIC_OR_PARTITION, as Kafka's KRaft brokers answer while the controller creates
 * them; clients ask again and find them (Brook has created them by the time it answers).
 */
async function autoCreate(cluster: Cluster, names: readonly string[], log: Logger): Promise<void> {
  const results = await cluster.admin.createTopics(names.map((name) => ({ name, numPartitions: -1, replicationFactor: -1 })))
  results.forEach((r, i) => {
    // Another request may have created it meanwhile; anything else (say default.replication.factor 3) is worth a line.
    if (isTopicError(r) && r.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
      log.warn({ topic: names[i], error: errorName(r.errorCode), reason: r.errorMessage }, 'auto topic creation failed')
    }
  })
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
