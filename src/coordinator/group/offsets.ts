/**
 * OffsetCommit, OffsetFetch and OffsetDelete. Commits are acknowledged only once their records
 * are written; fetches read written offsets only.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import type {
  OffsetCommitRequest,
  OffsetCommitRequestPartition,
  OffsetCommitResponse,
  OffsetCommitResponsePartition,
  OffsetCommitResponseTopic,
} from '../../protocol/generated/offset-commit.js'
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../../protocol/generated/offset-delete.js'
import type { OffsetFetchResponseGroup, OffsetFetchResponsePartitions } from '../../protocol/generated/offset-fetch.js'
import { ClassicGroup } from './classic-group.js'
import type { CoordinatorContext } from './context.js'
import { appendFailureCode, commitWriteErrorCode, groupWriteErrorCode } from './group-log.js'
import { GroupState } from './group-state.js'
import { rescheduleHeartbeat } from './rebalance.js'
import { offsetCommitRecord, offsetCommitTombstone } from './records.js'
import type { GroupLogRecord, OffsetAndMetadata } from './records.js'

/** What the coordinator needs to know about topics: whether a partition exists. */
export interface TopicLookup {
  /** The topic's partition count; undefined when there is no such topic. */
  partitionCount(topic: string): number | undefined
}

/** OffsetCommit v2-4 carry a retention time; -1 means the broker's. */
const DEFAULT_RETENTION_TIME = -1n

export async function commitOffsets(
  ctx: CoordinatorContext,
  req: OffsetCommitRequest,
  apiVersion: number,
  topics: TopicLookup,
  /** The group id / partition check's verdict; it applies to the partitions that exist. */
  statusError: number,
): Promise<OffsetCommitResponse> {
  const results: OffsetCommitResponseTopic[] = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE })),
  }))
  const response: OffsetCommitResponse = { throttleTimeMs: 0, topics: results }
  // As Kafka's request handler: partitions that do not exist are answered before the group is looked at.
  const valid: { topic: string; result: OffsetCommitResponsePartition; partition: OffsetCommitRequestPartition }[] = []
  req.topics.forEach((t, ti) => {
    const count = topics.partitionCount(t.name)
    t.partitions.forEach((p, pi) => {
      const result = results[ti]!.partitions[pi]!
      if (count === undefined || p.partitionIndex < 0 || p.partitionIndex >= count) result.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      else valid.push({ topic: t.name, result, partition: p })
    })
  })
  if (valid.length === 0) return response
  if (statusError !== ErrorCode.NONE) {
    for (const v of valid) v.result.errorCode = statusError
    return response
  }

  const generationId = req.generationIdOrMemberEpoch
  let group = ctx.groups.get(req.groupId)
  let groupError: number
  if (group) {
    groupError = validateCommit(group, generationId, req.memberId, req.groupInstanceId)
  } else if (generationId < 0) {
    // A consumer that does not use group management: its offsets live in a "simple" group.
    group = new ClassicGroup(req.groupId, ctx.now)
    ctx.groups.set(req.groupId, group)
    groupError = ErrorCode.NONE
  } else {
    groupError = apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION
  }
  if (groupError !== ErrorCode.NONE || !group) {
    for (const v of valid) v.result.errorCode = groupError
    return response
  }
  // A commit keeps the member's session alive, as a heartbeat would.
  const member = group.member(req.memberId)
  if (member && (group.is(GroupState.Stable) || group.is(GroupState.PreparingRebalance))) rescheduleHeartbeat(ctx, group, member)

  const now = ctx.now()
  const expireTimestamp = req.retentionTimeMs === DEFAULT_RETENTION_TIME ? null : now + Number(req.retentionTimeMs)
  const written: { topic: string; partition: number; offset: OffsetAndMetadata; result: OffsetCommitResponsePartition }[] = []
  for (const { topic, result, partition: p } of valid) {
    if (p.committedMetadata !== null && p.committedMetadata.length > ctx.config.offsetMetadataMaxBytes) {
      result.errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE
      continue
    }
    const offset: OffsetAndMetadata = {
      offset: p.committedOffset,
      leaderEpoch: p.committedLeaderEpoch,
      metadata: p.committedMetadata ?? '',
      commitTimestamp: now,
      expireTimestamp,
    }
    written.push({ topic, partition: p.partitionIndex, offset, result })
  }
  if (written.length === 0) return response
  const groupId = req.groupId
  for (const w of written) ctx.offsets.prepare(groupId, w.topic, w.partition, w.offset)
  try {
    await ctx.write(groupId, written.map((w) => offsetCommitRecord(groupId, w.topic, w.partition, w.offset)))
    for (const w of written) {
      ctx.offsets.complete(groupId, w.topic, w.partition, w.offset)
      ctx.txnOffsets.plainCommitWritten(groupId, w.topic, w.partition)
    }
  } catch (err) {
    const errorCode = commitWriteErrorCode(appendFailureCode(err))
    ctx.log.warn({ groupId, err }, 'failed to write offset commit')
    for (const w of written) {
      ctx.offsets.fail(groupId, w.topic, w.partition, w.offset)
      w.result.errorCode = errorCode
    }
  }
  return response
}

/**
 * Kafka's rules: generation -1 may commit to an empty group (admin tools, manual assignment);
 * otherwise the member must be in the group at the current generation, and a group between its
 * JoinGroup and SyncGroup answers is told to finish rebalancing first.
 */
function validateCommit(group: ClassicGroup, generationId: number, memberId: string, groupInstanceId: string | null): number {
  if (generationId < 0 && group.is(GroupState.Empty)) return ErrorCode.NONE
  if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
    const memberError = group.validateMember(memberId, groupInstanceId)
    if (memberError !== ErrorCode.NONE) return memberError
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
  } else if (!group.is(GroupState.Empty)) {
    return ErrorCode.UNKNOWN_MEMBER_ID
  }
  if (group.is(GroupState.CompletingRebalance)) return ErrorCode.REBALANCE_IN_PROGRESS
  return ErrorCode.NONE
}

export interface FetchTopics {
  readonly name: string
  readonly partitionIndexes: readonly number[]
}

/** The group's written offsets: the requested partitions (-1 where none), or all when `topics` is null. */
export function fetchOffsets(
  ctx: CoordinatorContext,
  groupId: string,
  topics: readonly FetchTopics[] | null,
  requireStable: boolean,
): OffsetFetchResponseGroup {
  const { offsets } = ctx
  const answer = (partitionIndex: number, topic: string): OffsetFetchResponsePartitions => {
    // require_stable: a commit still being written is reported as such rather than as the old offset.
    if (requireStable && (offsets.hasPending(groupId, topic, partitionIndex) || ctx.txnOffsets.hasPending(groupId, topic, partitionIndex))) {
      return { partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT }
    }
    const o = offsets.get(groupId, topic, partitionIndex)
    return {
      partitionIndex,
      committedOffset: o ? o.offset : -1n,
      committedLeaderEpoch: o ? o.leaderEpoch : -1,
      metadata: o ? o.metadata : '',
      errorCode: ErrorCode.NONE,
    }
  }
  if (topics !== null) {
    return {
      groupId,
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => answer(p, t.name)) })),
    }
  }
  const byTopic = new Map<string, OffsetFetchResponsePartitions[]>()
  for (const [topic, partition] of offsets.committed(groupId)) {
    let partitions = byTopic.get(topic)
    if (!partitions) byTopic.set(topic, (partitions = []))
    partitions.push(answer(partition, topic))
  }
  return { groupId, errorCode: ErrorCode.NONE, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) }
}

/** OffsetDelete: only for partitions of topics the group does not consume. */
export async function deleteOffsets(ctx: CoordinatorContext, req: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
  const group = ctx.groups.get(req.groupId)
  const failed = (errorCode: number): OffsetDeleteResponse => ({ errorCode, throttleTimeMs: 0, topics: [] })
  if (!group) return failed(ErrorCode.GROUP_ID_NOT_FOUND)
  if (!group.is(GroupState.Empty) && !group.usesConsumerProtocol) return failed(ErrorCode.NON_EMPTY_GROUP)
  const removed: RemovedOffset[] = []
  const records: GroupLogRecord[] = []
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map(({ partitionIndex }) => {
      if (group.isSubscribedToTopic(t.name)) return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }
      const offset = ctx.offsets.get(req.groupId, t.name, partitionIndex)
      // Pending transactional offsets go too, and are not restored if the write fails: a marker
      // may settle their transaction meanwhile, and the tombstone orders them out on replay.
      const hadPending = ctx.txnOffsets.removePartition(req.groupId, t.name, partitionIndex)
      if (ctx.offsets.remove(req.groupId, t.name, partitionIndex) || hadPending) {
        records.push(offsetCommitTombstone(req.groupId, t.name, partitionIndex))
        if (offset) removed.push([t.name, partitionIndex, offset])
      }
      return { partitionIndex, errorCode: ErrorCode.NONE }
    }),
  }))
  if (records.length > 0) {
    try {
      await ctx.write(req.groupId, records)
    } catch (err) {
      restoreOffsets(ctx, req.groupId, removed)
      return failed(groupWriteErrorCode(appendFailureCode(err)))
    }
  }
  return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics }
}

export type RemovedOffset = [topic: string, partition: number, offset: OffsetAndMetadata]

/** After a failed tombstone write: the offsets are still on disk, so they come back, unless recommitted meanwhile. */
export function restoreOffsets(ctx: CoordinatorContext, groupId: string, removed: readonly RemovedOffset[]): void {
  for (const [topic, partition, offset] of removed) {
    if (ctx.offsets.get(groupId, topic, partition) === undefined && !ctx.offsets.hasPending(groupId, topic, partition)) {
      ctx.offsets.replay(groupId, topic, partition, offset)
    }
  }
}
