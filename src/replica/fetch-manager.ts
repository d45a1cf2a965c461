/**
 * Kafka's FetchManager.newContext: turns a Fetch request's session fields into the context
 * that says what to read and shapes the response.
 *
 *   session id | epoch | meaning
 *   any        | -1    | full fetch, no session; a named session is closed (FINAL_EPOCH)
 *   any        | 0     | full fetch; a named session is closed, a new one opened if there is room
 *   id         | n > 0 | incremental fetch in session `id` at epoch n: FETCH_SESSION_ID_NOT_FOUND
 *              |       | if unknown, INVALID_FETCH_SESSION_EPOCH if n is not the session's epoch,
 *              |       | FETCH_SESSION_TOPIC_ID_ERROR if the request's version disagrees with the
 *              |       | session's use of topic ids (v13+); a session left empty is closed
 *
 * From Fetch v13 partitions are named by topic id; an id this broker does not know stays in
 * the session with no name until the topic appears, and is answered UNKNOWN_TOPIC_ID.
 *
 * Use, in the Fetch handler:
 *
 *   const context = fetchManager.newContext(request, version, (id) => topics.nameOf(id))
 *   const results = []
 *   for (const { tp, params } of context.partitionsToFetch())
 *     results.push({ tp, data: tp.topic === null ? errorData(ErrorCode.UNKNOWN_TOPIC_ID) : await read(tp, params) })
 *   const { errorCode, sessionId, responses } = context.buildResponse(results)
 */
import type { FetchRequest } from '../protocol/generated/fetch.js'
import { ErrorCode } from '../protocol/error-codes.js'
import {
  FullFetchContext,
  IncrementalFetchContext,
  SessionErrorContext,
  SessionlessFetchContext,
  type FetchContext,
} from './fetch-context.js'
import type { FetchSessionCache } from './fetch-session-cache.js'
import {
  FINAL_EPOCH,
  INITIAL_EPOCH,
  INVALID_SESSION_ID,
  nextEpoch,
  partitionKey,
  type FetchPartitionEntry,
  type TopicIdPartition,
} from './fetch-session.js'

export type { FetchContext, FetchContextKind, FetchSessionResponse } from './fetch-context.js'
export type { FetchPartitionEntry, PartitionFetchParams, PartitionResult, TopicIdPartition } from './fetch-session.js'

/** Fetch v13 replaced topic names with topic ids. */
const TOPIC_IDS_VERSION = 13
/** Fetch v15 moved the replica id into ReplicaState. */
const REPLICA_STATE_VERSION = 15

export type ResolveTopicName = (topicId: string) => string | undefined

type SessionFields = Pick<FetchRequest, 'replicaId' | 'replicaState' | 'sessionId' | 'sessionEpoch' | 'topics' | 'forgottenTopicsData'>

/** FetchRequest.fetchData: the request's partitions, deduplicated (a repeat updates the first, in place). */
function fetchData(request: SessionFields, version: number, resolve: ResolveTopicName): Map<string, FetchPartitionEntry> {
  const data = new Map<string, FetchPartitionEntry>()
  for (const t of request.topics) {
    const topic = version < TOPIC_IDS_VERSION ? t.topic : (resolve(t.topicId) ?? null)
    for (const p of t.partitions) {
      const tp: TopicIdPartition = { topicId: t.topicId, topic, partition: p.partition }
      data.set(partitionKey(tp), {
        tp,
        params: {
          fetchOffset: p.fetchOffset,
          logStartOffset: p.logStartOffset,
          maxBytes: p.partitionMaxBytes,
          currentLeaderEpoch: p.currentLeaderEpoch,
          lastFetchedEpoch: p.lastFetchedEpoch,
        },
      })
    }
  }
  return data
}

function forgotten(request: SessionFields, version: number, resolve: ResolveTopicName): TopicIdPartition[] {
  return request.forgottenTopicsData.flatMap((t) => {
    const topic = version < TOPIC_IDS_VERSION ? t.topic : (resolve(t.topicId) ?? null)
    return t.partitions.map((partition) => ({ topicId: t.topicId, topic, partition }))
  })
}

export class FetchManager {
  readonly #cache: FetchSessionCache

  constructor(cache: FetchSessionCache) {
    this.#cache = cache
  }

  /** The context for one Fetch request of `version`; `resolve` maps topic ids to names (v13+). */
  newContext(request: SessionFields, version: number, resolve: ResolveTopicName): FetchContext {
    const { sessionId, sessionEpoch: epoch } = request
    const usesTopicIds = version >= TOPIC_IDS_VERSION
    if (epoch === INITIAL_EPOCH || epoch === FINAL_EPOCH) {
      if (sessionId !== INVALID_SESSION_ID) this.#cache.remove(sessionId)
      const data = fetchData(request, version, resolve)
      if (epoch === FINAL_EPOCH) return new SessionlessFetchContext(data)
      const replicaId = version >= REPLICA_STATE_VERSION ? request.replicaState.replicaId : request.replicaId
      return new FullFetchContext(this.#cache, data, usesTopicIds, replicaId >= 0)
    }
    const session = this.#cache.get(sessionId)
    if (session === undefined) return new SessionErrorContext(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
    if (session.epoch !== epoch) return new SessionErrorContext(ErrorCode.INVALID_FETCH_SESSION_EPOCH)
    if (session.usesTopicIds !== usesTopicIds) return new SessionErrorContext(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR)
    const data = fetchData(request, version, resolve)
    session.update(data.values(), forgotten(request, version, resolve))
    if (session.size === 0) {
      this.#cache.remove(session.id)
      return new SessionlessFetchContext(data)
    }
    this.#cache.touch(session, this.#cache.clock.now())
    session.epoch = nextEpoch(session.epoch)
    return new IncrementalFetchContext(session, epoch, resolve)
  }
}
