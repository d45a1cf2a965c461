/**
 * KIP-227 incremental fetch sessions, as Kafka's FetchSession and CachedPartition. A session
 * remembers what each partition of a consumer's fetch asked for and what the last response
 * said, so a later fetch names only what changed and its response carries only partitions
 * with something new.
 *
 * Partitions are keyed as Kafka compares them: by topic id and partition when the id is set
 * (Fetch v13+: the name may be unknown, and is resolved when the topic appears), otherwise by
 * topic name and partition.
 */
import type { PartitionData } from '../protocol/generated/fetch.js'
import { ZERO_UUID } from '../protocol/primitives/uuid.js'

/** Session id 0: no session (FetchMetadata.INVALID_SESSION_ID). */
export const INVALID_SESSION_ID = 0
/** Epoch of a full fetch that asks for a new session. */
export const INITIAL_EPOCH = 0
/** Epoch of a full fetch that wants no session (and closes the one it names). */
export const FINAL_EPOCH = -1

/** FetchMetadata.nextEpoch: epochs count 1, 2, ... and wrap from 2^31-1 to 1. */
export function nextEpoch(epoch: number): number {
  if (epoch < 0) return FINAL_EPOCH
  return epoch === 0x7fffffff ? 1 : epoch + 1
}

/** A partition as a fetch names it; `topic` is null for a topic id this broker does not know. */
export interface TopicIdPartition {
  topicId: string
  topic: string | null
  partition: number
}

/** What a fetch asks of one partition (Kafka's FetchRequest.PartitionData). */
export interface PartitionFetchParams {
  fetchOffset: bigint
  logStartOffset: bigint
  maxBytes: number
  currentLeaderEpoch: number
  lastFetchedEpoch: number
}

export interface FetchPartitionEntry {
  tp: TopicIdPartition
  params: PartitionFetchParams
}

/** One partition's answer, as the Fetch handler built it. */
export interface PartitionResult {
  tp: TopicIdPartition
  data: PartitionData
}

/** Kafka's CachedPartition equality, as a map key. */
export function partitionKey(tp: TopicIdPartition): string {
  return tp.topicId !== ZERO_UUID ? `i${tp.topicId}:${tp.partition}` : `n${tp.topic}:${tp.partition}`
}

function hasRecords(data: PartitionData): boolean {
  return data.records !== null && data.records.length > 0
}

function hasDivergingEpoch(data: PartitionData): boolean {
  return data.divergingEpoch.epoch !== -1 || data.divergingEpoch.endOffset !== -1n
}

export class CachedPartition {
  readonly tp: TopicIdPartition
  params: PartitionFetchParams
  /** -1 until a response was sent, and after an error, so that the next response includes it. */
  highWatermark = -1n
  localLogStartOffset = -1n

  constructor(tp: TopicIdPartition, params: PartitionFetchParams) {
    this.tp = { ...tp }
    this.params = params
  }

  /** Names a partition whose topic id was unknown when it joined the session, once the topic exists. */
  resolveName(resolve: (topicId: string) => string | undefined): void {
    if (this.tp.topic === null) this.tp.topic = resolve(this.tp.topicId) ?? null
  }

  /**
   * Whether an incremental response must carry this partition: new records, a changed high
   * watermark or log start offset, a preferred read replica, an error or a diverging epoch.
   * With `update`, remembers what is sent (an error resets the high watermark to -1).
   */
  mustRespond(data: PartitionData, update: boolean): boolean {
    let must = hasRecords(data) || data.preferredReadReplica !== -1 || hasDivergingEpoch(data)
    if (this.highWatermark !== data.highWatermark) {
      must = true
      if (update) this.highWatermark = data.highWatermark
    }
    if (this.localLogStartOffset !== data.logStartOffset) {
      must = true
      if (update) this.localLogStartOffset = data.logStartOffset
    }
    if (data.errorCode !== 0) {
      must = true
      if (update) this.highWatermark = -1n
    }
    return must
  }
}

export class FetchSession {
  readonly id: number
  /** Created by a follower; Brook has none, but the cache's eviction rule keeps the notion. */
  readonly privileged: boolean
  readonly usesTopicIds: boolean
  readonly creationMs: number
  lastUsedMs: number
  epoch: number
  /** In fetch order: a partition that returned records moves to the end, so all get their turn. */
  readonly partitions = new Map<string, CachedPartition>()
  /** Partition count when the cache last placed this session; -1 while it is not in the cache. */
  cachedSize = -1
  /** Eviction candidacy as of the last touch (Kafka's evictableByAll / evictableByPrivileged trees). */
  evictableByAll = false
  evictableByPrivileged = false

  constructor(id: number, privileged: boolean, usesTopicIds: boolean, now: number) {
    this.id = id
    this.privileged = privileged
    this.usesTopicIds = usesTopicIds
    this.creationMs = now
    this.lastUsedMs = now
    this.epoch = nextEpoch(INITIAL_EPOCH)
  }

  get size(): number {
    return this.partitions.size
  }

  /** Applies an incremental fetch: adds or updates what it names, then drops what it forgets. */
  update(fetchData: Iterable<FetchPartitionEntry>, toForget: Iterable<TopicIdPartition>): void {
    for (const { tp, params } of fetchData) {
      const key = partitionKey(tp)
      const cached = this.partitions.get(key)
      if (cached === undefined) this.partitions.set(key, new CachedPartition(tp, params))
      else cached.params = params
    }
    for (const tp of toForget) this.partitions.delete(partitionKey(tp))
  }

  /** Moves a partition to the end of the fetch order. */
  rotateToEnd(key: string): void {
    const cached = this.partitions.get(key)
    if (cached === undefined) return
    this.partitions.delete(key)
    this.partitions.set(key, cached)
  }
}
