/**
 * What one Fetch request reads and how its response is shaped, by session kind (Kafka's
 * FetchContext family): sessionless, full (which may open a session), incremental (which
 * reads the session's partitions and answers only those with news), or a session error.
 */
import type { FetchableTopicResponse } from '../protocol/generated/fetch.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { FetchSessionCache } from './fetch-session-cache.js'
import {
  CachedPartition,
  INVALID_SESSION_ID,
  nextEpoch,
  partitionKey,
  type FetchPartitionEntry,
  type FetchSession,
  type PartitionResult,
} from './fetch-session.js'

/** The session-level part of a Fetch response; the handler adds throttle time and node endpoints. */
export interface FetchSessionResponse {
  errorCode: number
  sessionId: number
  responses: FetchableTopicResponse[]
}

export type FetchContextKind = 'sessionless' | 'full' | 'incremental' | 'error'

export interface FetchContext {
  readonly kind: FetchContextKind
  /**
   * The partitions to read, in order, with what the request (or the session) asks of each.
   * A null topic is a topic id this broker does not know: answer it UNKNOWN_TOPIC_ID.
   */
  partitionsToFetch(): FetchPartitionEntry[]
  /**
   * The response for the handler's results (one per partition to fetch, plus any the handler
   * answered with an error). Updates the session; call once per request.
   */
  buildResponse(results: readonly PartitionResult[]): FetchSessionResponse
}

/** FetchResponse.toMessage: consecutive partitions of one topic share a topic entry, order kept. */
function toTopicResponses(results: Iterable<PartitionResult>): FetchableTopicResponse[] {
  const topics: FetchableTopicResponse[] = []
  let last: { topicId: string; topic: string | null; entry: FetchableTopicResponse } | null = null
  for (const { tp, data } of results) {
    data.partitionIndex = tp.partition
    if (last !== null && last.topicId === tp.topicId && last.topic === tp.topic) {
      last.entry.partitions.push(data)
      continue
    }
    const entry: FetchableTopicResponse = { topic: tp.topic ?? '', topicId: tp.topicId, partitions: [data] }
    topics.push(entry)
    last = { topicId: tp.topicId, topic: tp.topic, entry }
  }
  return topics
}

/** The request named a session it cannot use: no partitions are read. */
export class SessionErrorContext implements FetchContext {
  readonly kind = 'error'
  readonly errorCode: ErrorCode

  constructor(errorCode: ErrorCode) {
    this.errorCode = errorCode
  }

  partitionsToFetch(): FetchPartitionEntry[] {
    return []
  }

  buildResponse(): FetchSessionResponse {
    return { errorCode: this.errorCode, sessionId: INVALID_SESSION_ID, responses: [] }
  }
}

/** A fetch without a session (epoch -1, or before Fetch v7): everything asked is answered. */
export class SessionlessFetchContext implements FetchContext {
  readonly kind: FetchContextKind = 'sessionless'
  protected readonly fetchData: ReadonlyMap<string, FetchPartitionEntry>

  constructor(fetchData: ReadonlyMap<string, FetchPartitionEntry>) {
    this.fetchData = fetchData
  }

  partitionsToFetch(): FetchPartitionEntry[] {
    return [...this.fetchData.values()]
  }

  buildResponse(results: readonly PartitionResult[]): FetchSessionResponse {
    return { errorCode: ErrorCode.NONE, sessionId: INVALID_SESSION_ID, responses: toTopicResponses(results) }
  }
}

/** A full fetch (epoch 0): answers everything and opens a session if the cache has room. */
export class FullFetchContext extends SessionlessFetchContext {
  override readonly kind = 'full'
  readonly #cache: FetchSessionCache
  readonly #usesTopicIds: boolean
  readonly #privileged: boolean

  constructor(cache: FetchSessionCache, fetchData: ReadonlyMap<string, FetchPartitionEntry>, usesTopicIds: boolean, privileged: boolean) {
    super(fetchData)
    this.#cache = cache
    this.#usesTopicIds = usesTopicIds
    this.#privileged = privileged
  }

  override buildResponse(results: readonly PartitionResult[]): FetchSessionResponse {
    const sessionId = this.#cache.maybeCreateSession(this.#privileged, results.length, this.#usesTopicIds, (session) => {
      for (const { tp, data } of results) {
        const key = partitionKey(tp)
        const asked = this.fetchData.get(key)
        if (asked === undefined) continue
        const cached = new CachedPartition(tp, asked.params)
        cached.highWatermark = data.highWatermark
        cached.localLogStartOffset = data.logStartOffset
        session.partitions.set(key, cached)
      }
    })
    return { errorCode: ErrorCode.NONE, sessionId, responses: toTopicResponses(results) }
  }
}

/** A fetch in an open session (epoch > 0): reads all the session's partitions, answers the changed ones. */
export class IncrementalFetchContext implements FetchContext {
  readonly kind = 'incremental'
  readonly #session: FetchSession
  readonly #requestEpoch: number
  readonly #resolveTopicName: (topicId: string) => string | undefined

  constructor(session: FetchSession, requestEpoch: number, resolveTopicName: (topicId: string) => string | undefined) {
    this.#session = session
    this.#requestEpoch = requestEpoch
    this.#resolveTopicName = resolveTopicName
  }

  partitionsToFetch(): FetchPartitionEntry[] {
    const entries: FetchPartitionEntry[] = []
    for (const cached of this.#session.partitions.values()) {
      if (this.#session.usesTopicIds) cached.resolveName(this.#resolveTopicName)
      entries.push({ tp: { ...cached.tp }, params: cached.params })
    }
    return entries
  }

  buildResponse(results: readonly PartitionResult[]): FetchSessionResponse {
    const session = this.#session
    // Another request of this session got in between (a duplicate, or a retry): Kafka refuses this one.
    if (session.epoch !== nextEpoch(this.#requestEpoch))
      return { errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: session.id, responses: [] }
    const changed: PartitionResult[] = []
    for (const result of results) {
      const key = partitionKey(result.tp)
      const cached = session.partitions.get(key)
      if (cached !== undefined && !cached.mustRespond(result.data, true)) continue
      changed.push(result)
      if (result.data.records !== null && result.data.records.length > 0) session.rotateToEnd(key)
    }
    return { errorCode: ErrorCode.NONE, sessionId: session.id, responses: toTopicResponses(changed) }
  }
}
