/**
 * ListOffsets for the partitions of one request: Kafka's ReplicaManager.fetchOffset and
 * Partition.fetchOffsetForTimestamp, with Kafka's checks in Kafka's order and its answers.
 *
 * Per partition (each partition named once in the answer, in request order):
 *   1. named twice in the request          → INVALID_REQUEST
 *   2. a negative timestamp this version does not know (-3 needs v7, -4 v8; others never)
 *                                          → UNSUPPORTED_VERSION
 *   3. unknown topic or partition          → UNKNOWN_TOPIC_OR_PARTITION
 *   4. current leader epoch (v4+, -1 = not given): older than ours → FENCED_LEADER_EPOCH, newer →
 *      UNKNOWN_LEADER_EPOCH; then no log (topic being created or deleted) → NOT_LEADER_OR_FOLLOWER
 *   5. the offset: latest (-1) is the last fetchable offset (the high watermark for consumers,
 *      the last stable offset for read_committed ones, the log end for replicas); earliest (-2)
 *      and earliest-local (-4, the same without tiered storage) the log start offset; max
 *      timestamp (-3) and a timestamp the first record at or after it. A timestamp lookup that
 *      finds nothing, or an offset beyond the last fetchable one, answers offset -1, timestamp -1.
 *
 * The last stable offset equals the high watermark until transactions exist, and the high
 * watermark equals the log end (one replica): isolation changes nothing yet but is kept apart.
 */
import type { TopicRegistry } from '../cluster/topic-registry.js'
import type { Logger } from '../log.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type {
  ListOffsetsPartition, ListOffsetsPartitionResponse, ListOffsetsRequest, ListOffsetsTopicResponse,
} from '../protocol/generated/list-offsets.js'
import type { OffsetAndTimestamp } from '../storage/partition-log-types.js'
import type { PartitionLog } from '../storage/partition-log.js'
import { LEADER_EPOCH } from './leader-epoch.js'
import type { ReplicaManager } from './replica-manager.js'

export const ListOffsetsTimestamp = { LATEST: -1n, EARLIEST: -2n, MAX_TIMESTAMP: -3n, EARLIEST_LOCAL: -4n } as const

/** The replica id of a consumer (other ids are replicas, or -2 a debugging tool: they may read to the log end). */
export const CONSUMER_REPLICA_ID = -1
export const IsolationLevel = { READ_UNCOMMITTED: 0, READ_COMMITTED: 1 } as const

/** The first version that knows each special timestamp (ReplicaManager.timestampMinSupportedVersion). */
const TIMESTAMP_MIN_VERSION = new Map<bigint, number>([
  [ListOffsetsTimestamp.LATEST, 1],
  [ListOffsetsTimestamp.EARLIEST, 1],
  [ListOffsetsTimestamp.MAX_TIMESTAMP, 7],
  [ListOffsetsTimestamp.EARLIEST_LOCAL, 8],
])
const NO_EPOCH = -1

export interface FetchOffsetsContext {
  readonly topics: TopicRegistry
  readonly replicas: ReplicaManager
  readonly apiVersion: number
  readonly log: Logger
}

function answer(partitionIndex: number, errorCode: number, found?: OffsetAndTimestamp): ListOffsetsPartitionResponse {
  return {
    partitionIndex,
    errorCode,
    oldStyleOffsets: [],
    timestamp: BigInt(found?.timestamp ?? -1),
    offset: BigInt(found?.offset ?? -1),
    leaderEpoch: found && found.leaderEpoch >= 0 ? found.leaderEpoch : NO_EPOCH,
  }
}

function isUnsupportedTimestamp(timestamp: bigint, version: number): boolean {
  if (timestamp >= 0n) return false
  const min = TIMESTAMP_MIN_VERSION.get(timestamp)
  return min === undefined || version < min
}

/** Kafka's Partition.checkCurrentLeaderEpoch. */
function leaderEpochError(currentLeaderEpoch: number): number {
  if (currentLeaderEpoch === NO_EPOCH) return ErrorCode.NONE
  if (currentLeaderEpoch < LEADER_EPOCH) return ErrorCode.FENCED_LEADER_EPOCH
  if (currentLeaderEpoch > LEADER_EPOCH) return ErrorCode.UNKNOWN_LEADER_EPOCH
  return ErrorCode.NONE
}

/** What a reader may see: consumers up to the high watermark (read_committed: the last stable offset), replicas the log end. */
function lastFetchableOffset(log: PartitionLog, request: ListOffsetsRequest): number {
  if (request.replicaId !== CONSUMER_REPLICA_ID) return log.logEndOffset
  return request.isolationLevel === IsolationLevel.READ_COMMITTED ? log.lastStableOffset : log.highWatermark
}

/** Timestamps beyond 2^53 ms (year 287396) match no record: clamp them into number range. */
function timestampNumber(timestamp: bigint): number {
  return timestamp > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(timestamp)
}

async function lookup(log: PartitionLog, timestamp: bigint, lastFetchable: number): Promise<OffsetAndTimestamp | null> {
  switch (timestamp) {
    case ListOffsetsTimestamp.LATEST:
      return { timestamp: -1, offset: lastFetchable, leaderEpoch: LEADER_EPOCH }
    case ListOffsetsTimestamp.EARLIEST:
    case ListOffsetsTimestamp.EARLIEST_LOCAL:
      return { ...log.earliestOffset(), timestamp: -1 }
  }
  const found = timestamp === ListOffsetsTimestamp.MAX_TIMESTAMP ? await log.maxTimestampOffset() : await log.offsetForTimestamp(timestampNumber(timestamp))
  return found !== null && found.offset < lastFetchable ? found : null
}

async function fetchOffset(ctx: FetchOffsetsContext, request: ListOffsetsRequest, topic: string, p: ListOffsetsPartition): Promise<ListOffsetsPartitionResponse> {
  const index = p.partitionIndex
  if (isUnsupportedTimestamp(p.timestamp, ctx.apiVersion)) return answer(index, ErrorCode.UNSUPPORTED_VERSION)
  const info = ctx.topics.get(topic)
  if (info === undefined || index < 0 || index >= info.partitions) return answer(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  const epochError = leaderEpochError(p.currentLeaderEpoch)
  if (epochError !== ErrorCode.NONE) return answer(index, epochError)
  const log = ctx.replicas.partition(topic, index)
  if (log === undefined) return answer(index, ErrorCode.NOT_LEADER_OR_FOLLOWER)
  try {
    const found = await lookup(log, p.timestamp, lastFetchableOffset(log, request))
    return found === null ? answer(index, ErrorCode.NONE) : answer(index, ErrorCode.NONE, found)
  } catch (err) {
    ctx.log.error({ err, topic, partition: index, timestamp: p.timestamp.toString() }, 'offset lookup failed')
    return answer(index, isStorageError(err) ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.UNKNOWN_SERVER_ERROR)
  }
}

/** A file-system failure (Node's system errors carry an errno code such as EIO). */
function isStorageError(err: unknown): boolean {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string'
}

/** Answers every partition of `request`; see the module comment. */
export function fetchOffsets(ctx: FetchOffsetsContext, request: ListOffsetsRequest): Promise<ListOffsetsTopicResponse[]> {
  const seen = new Map<string, Map<number, ListOffsetsPartition | null>>()
  for (const t of request.topics) {
    let partitions = seen.get(t.name)
    if (partitions === undefined) seen.set(t.name, (partitions = new Map()))
    // null marks a partition named more than once.
    for (const p of t.partitions) partitions.set(p.partitionIndex, partitions.has(p.partitionIndex) ? null : p)
  }
  const topics: Promise<ListOffsetsTopicResponse>[] = []
  for (const [name, partitions] of seen) {
    const answers: Promise<ListOffsetsPartitionResponse>[] = []
    for (const [index, p] of partitions) {
      answers.push(p === null ? Promise.resolve(answer(index, ErrorCode.INVALID_REQUEST)) : fetchOffset(ctx, request, name, p))
    }
    topics.push(Promise.all(answers).then((partitionResponses) => ({ name, partitions: partitionResponses })))
  }
  return Promise.all(topics)
}
