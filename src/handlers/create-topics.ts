// CreateTopics v2-7 (Kafka 4.0 serves v2+). v1: validateOnly, errorMessage. v2: throttleTimeMs.
// v4: numPartitions / replicationFactor -1 take the broker defaults. v5: flexible; the created
// topic's partition count, replication factor and configs. v6: quota errors. v7: topic ids.
import type { CreatedTopic } from '../cluster/topic-admin.js'
import { isTopicError } from '../cluster/topic-placement.js'
import type { TopicError } from '../cluster/topic-placement.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { CreateTopics } from '../protocol/generated/create-topics.js'
import type { CreatableTopic, CreatableTopicResult } from '../protocol/generated/create-topics.js'
import { ZERO_UUID } from '../protocol/primitives/uuid.js'
import { defineHandler } from './handler.js'

export const createTopics = defineHandler({
  api: CreateTopics,
  minVersion: 2,
  maxVersion: 7,
  handle: async (req, ctx) => {
    const duplicates = duplicateNames(req.topics)
    const unique = req.topics.filter((t) => !duplicates.has(t.name))
    const results = await ctx.services.cluster.admin.createTopics(unique, { validateOnly: req.validateOnly })
    const topics = unique.map((t, i) => answer(t.name, results[i]!))
    // As Kafka's ControllerApis: one answer per duplicated name, after the others.
    for (const name of duplicates) {
      topics.push(failed(name, { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' }))
    }
    return { throttleTimeMs: 0, topics }
  },
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    topics: req.topics.map((t) => failed(t.name, { errorCode, errorMessage: null })),
  }),
})

function duplicateNames(topics: readonly CreatableTopic[]): Set<string> {
  const seen = new Set<string>()
  const duplicates = new Set<string>()
  for (const { name } of topics) (seen.has(name) ? duplicates : seen).add(name)
  return duplicates
}

function answer(name: string, result: CreatedTopic | TopicError): CreatableTopicResult {
  if (isTopicError(result)) return failed(name, result)
  return {
    name,
    topicId: result.topicId,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: result.numPartitions,
    replicationFactor: result.replicationFactor,
    configs: result.configs.map((c) => ({ name: c.name, value: c.value, readOnly: false, configSource: c.source, isSensitive: false })),
  }
}

function failed(name: string, error: TopicError): CreatableTopicResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode: error.errorCode,
    errorMessage: error.errorMessage,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: [],
  }
}
