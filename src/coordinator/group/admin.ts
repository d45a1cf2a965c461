/** DescribeGroups, ListGroups and DeleteGroups over the loaded groups. */
import { ErrorCode } from '../../protocol/error-codes.js'
import type { DescribedGroup } from '../../protocol/generated/describe-groups.js'
import type { ListedGroup } from '../../protocol/generated/list-groups.js'
import { EMPTY_BUFFER } from '../../protocol/primitives/reader.js'
import { ClassicGroup } from './classic-group.js'
import type { CoordinatorContext } from './context.js'
import { appendFailureCode, groupWriteErrorCode } from './group-log.js'
import { GroupState, stateMatches } from './group-state.js'
import { timerKey } from './keyed-timers.js'
import { restoreOffsets } from './offsets.js'
import type { RemovedOffset } from './offsets.js'
import { groupMetadataTombstone, offsetCommitTombstone } from './records.js'

/** DescribedGroup without authorizedOperations, which the handler fills in when asked. */
export type GroupDescription = Omit<DescribedGroup, 'authorizedOperations'>

/** The only group type this coordinator runs (ListGroups v5 reports it). */
export const CLASSIC_GROUP_TYPE = 'classic'

/** A group that does not exist is described as Dead with no members, as Kafka does before DescribeGroups v6. */
export function describeGroup(ctx: CoordinatorContext, groupId: string): GroupDescription {
  const group = ctx.groups.get(groupId)
  if (!group) return { errorCode: ErrorCode.NONE, groupId, groupState: GroupState.Dead, protocolType: '', protocolData: '', members: [] }
  // Only a Stable group's metadata matches its protocol; in other states members are listed without it.
  const stable = group.is(GroupState.Stable) ? group.protocolName : null
  return {
    errorCode: ErrorCode.NONE,
    groupId,
    groupState: group.state,
    protocolType: group.protocolType ?? '',
    protocolData: stable ?? '',
    members: [...group.members].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable !== null && m.supports(stable) ? m.metadata(stable) : EMPTY_BUFFER,
      memberAssignment: m.assignment,
    })),
  }
}

/** Empty filters match everything; states match case-insensitively; types: only `classic` groups exist. */
export function listGroups(ctx: CoordinatorContext, statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroup[] {
  if (typesFilter.length > 0 && !typesFilter.some((t) => t.toLowerCase() === CLASSIC_GROUP_TYPE)) return []
  const listed: ListedGroup[] = []
  for (const group of ctx.groups.values()) {
    if (statesFilter.length > 0 && !stateMatches(group.state, statesFilter)) continue
    listed.push({ groupId: group.groupId, protocolType: group.protocolType ?? '', groupState: group.state, groupType: CLASSIC_GROUP_TYPE })
  }
  return listed
}

/** The error code for deleting one group; only Empty groups go, with all their offsets (tombstones). */
export async function deleteGroup(ctx: CoordinatorContext, groupId: string): Promise<number> {
  const group = ctx.groups.get(groupId)
  if (!group) return ErrorCode.GROUP_ID_NOT_FOUND
  if (!group.is(GroupState.Empty)) return ErrorCode.NON_EMPTY_GROUP
  const removed: RemovedOffset[] = []
  for (const [topic, partition, offset] of ctx.offsets.committed(groupId)) removed.push([topic, partition, offset])
  const records = ctx.offsets.removeGroup(groupId).map(([topic, partition]) => offsetCommitTombstone(groupId, topic, partition))
  records.push(groupMetadataTombstone(groupId))
  removeGroup(ctx, group)
  try {
    await ctx.write(groupId, records)
    return ErrorCode.NONE
  } catch (err) {
    ctx.log.warn({ groupId, err }, 'failed to write group deletion')
    restoreGroup(ctx, group)
    restoreOffsets(ctx, groupId, removed)
    return groupWriteErrorCode(appendFailureCode(err))
  }
}

/** Takes the group out of the coordinator (deleted or expired); it is Dead from now on. */
export function removeGroup(ctx: CoordinatorContext, group: ClassicGroup): void {
  ctx.timers.cancelPrefix(timerKey.group(group.groupId))
  // Kafka's pending transactional offsets live in the group's object: a group created again later starts without them.
  ctx.txnOffsets.forget((groupId) => groupId === group.groupId)
  ctx.groups.delete(group.groupId)
  group.transitionTo(GroupState.Dead)
}

/** After a failed tombstone write the empty group is still on disk, so it comes back, unless recreated meanwhile. */
export function restoreGroup(ctx: CoordinatorContext, dead: ClassicGroup): void {
  if (ctx.groups.has(dead.groupId)) return
  const group = new ClassicGroup(dead.groupId, ctx.now, {
    state: GroupState.Empty,
    generationId: dead.generationId,
    protocolType: dead.protocolType,
    protocolName: null,
    leaderId: null,
    stateTimestamp: dead.stateTimestamp === -1 ? null : dead.stateTimestamp,
  })
  group.refreshSubscribedTopics()
  ctx.groups.set(dead.groupId, group)
}
