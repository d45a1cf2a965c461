// DeleteTopics v1-6 (Kafka 4.0 serves v1+). v1: throttleTimeMs. v3: TOPIC_DELETION_DISABLED
// instead of INVALID_REQUEST. v4: flexible. v5: errorMessage. v6: topics by name or by id; the
// answer carries topic ids.
import type { TopicRef } from '../cluster/topic-admin.js'
import type { TopicRegistry } from '../cluster/topic-registry.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { DeleteTopics } from '../protocol/generated/delete-topics.js'
import type { DeletableTopicResult, DeleteTopicState, DeleteTopicsRequest } from '../protocol/generated/delete-topics.js'
import { KafkaError } from '../protocol/kafka-error.js'
import { ZERO_UUID } from '../protocol/primitives/uuid.js'
import { defineHandler } from './handler.js'

export const deleteTopics = defineHandler({
  api: DeleteTopics,
  minVersion: 1,
  maxVersion: 6,
  handle: async (req, ctx) => {
    const { cluster, config } = ctx.services
    if (!config.get('delete.topic.enable')) {
      throw ctx.apiVersion < 3
        ? new KafkaError(ErrorCode.INVALID_REQUEST, 'Topic deletion is disabled.')
        : new KafkaError(ErrorCode.TOPIC_DELETION_DISABLED)
    }
    const { refs, rejected } = sortOut(requested(req, ctx.apiVersion), cluster.topics)
    const deleted = await cluster.admin.deleteTopics(refs)
    const responses = deleted.map(({ name, topicId, error }) =>
      result(name, topicId, error?.errorCode ?? ErrorCode.NONE, error?.errorMessage ?? null),
    )
    return { throttleTimeMs: 0, responses: [...rejected, ...responses] }
  },
  // As Kafka's DeleteTopicsRequest.getErrorResponse: every topic asked for carries the code.
  errorResponse: (req, errorCode, ctx) => ({
    throttleTimeMs: 0,
    responses: requested(req, ctx.apiVersion).map((t) => result(t.name, t.topicId, errorCode, null)),
  }),
})

function requested(req: DeleteTopicsRequest, version: number): DeleteTopicState[] {
  return version >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }))
}

/**
 * Kafka's ControllerApis.deleteTopics checks on the request's shape: a topic named by both name and
 * id, by neither, twice, or by a name whose id was given as well is refused with INVALID_REQUEST.
 */
function sortOut(
  topics: readonly DeleteTopicState[],
  registry: TopicRegistry,
): { refs: TopicRef[]; rejected: DeletableTopicResult[] } {
  const rejected: DeletableTopicResult[] = []
  const names = new Map<string, number>()
  const ids = new Map<string, number>()
  for (const t of topics) {
    if (t.name === null && t.topicId === ZERO_UUID) rejected.push(invalid(null, ZERO_UUID, 'Neither topic name nor id were specified.'))
    else if (t.name !== null && t.topicId !== ZERO_UUID) rejected.push(invalid(t.name, t.topicId, 'You may not specify both topic name and topic id.'))
    else if (t.name !== null) names.set(t.name, (names.get(t.name) ?? 0) + 1)
    else ids.set(t.topicId, (ids.get(t.topicId) ?? 0) + 1)
  }
  const refs: TopicRef[] = []
  for (const [name, count] of names) {
    const id = registry.get(name)?.topicId
    if (count > 1) rejected.push(invalid(name, ZERO_UUID, 'Duplicate topic name.'))
    else if (id !== undefined && ids.has(id)) {
      // A single id then gets no answer of its own (a repeated one is answered as a duplicate), as in Kafka.
      if (ids.get(id) === 1) ids.delete(id)
      rejected.push(invalid(name, id, 'The provided topic name maps to an ID that was already supplied.'))
    } else refs.push({ name })
  }
  for (const [topicId, count] of ids) {
    if (count > 1) rejected.push(invalid(null, topicId, 'Duplicate topic id.'))
    else refs.push({ topicId })
  }
  return { refs, rejected }
}

function invalid(name: string | null, topicId: string, message: string): DeletableTopicResult {
  return result(name, topicId, ErrorCode.INVALID_REQUEST, message)
}

function result(name: string | null, topicId: string, errorCode: number, errorMessage: string | null): DeletableTopicResult {
  return { name, topicId, errorCode, errorMessage }
}
