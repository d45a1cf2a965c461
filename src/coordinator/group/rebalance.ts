/**
 * The rebalance protocol's moving parts, as Kafka's classic coordinator runs them: preparing a
 * rebalance, the (initial, delayed) join phase and its completion into the next generation,
 * handing out the leader's assignment, and the deadlines (heartbeat, rebalance, pending sync)
 * that remove members who stop responding.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { EMPTY_BUFFER } from '../../protocol/primitives/reader.js'
import type { ClassicGroup } from './classic-group.js'
import type { CoordinatorContext } from './context.js'
import { appendFailureCode, groupWriteErrorCode } from './group-log.js'
import { GroupState } from './group-state.js'
import { timerKey } from './keyed-timers.js'
import { ClassicMember } from './member.js'
import type { JoinWaiter, MemberInit } from './member.js'
import { groupMetadataRecord } from './records.js'
import { joinError, syncError, UNKNOWN_MEMBER_ID } from './responses.js'

const { Empty, PreparingRebalance, CompletingRebalance, Stable, Dead } = GroupState

export function maybePrepareRebalanceOrCompleteJoin(ctx: CoordinatorContext, group: ClassicGroup, reason: string): void {
  if (group.canRebalance()) prepareRebalance(ctx, group, reason)
  else maybeCompleteJoinPhase(ctx, group)
}

/** Ends the join phase once every member rejoined; the initial rebalance instead always waits out its delay. */
export function maybeCompleteJoinPhase(ctx: CoordinatorContext, group: ClassicGroup): void {
  if (group.is(PreparingRebalance) && group.hasAllMembersJoined() && group.previousState !== Empty) {
    completeJoin(ctx, group)
  }
}

export function prepareRebalance(ctx: CoordinatorContext, group: ClassicGroup, reason: string): void {
  // Members parked in SyncGroup must rejoin instead.
  if (group.is(CompletingRebalance)) resetAndPropagateAssignmentWithError(ctx, group, ErrorCode.REBALANCE_IN_PROGRESS)
  group.clearPendingSyncMembers()
  ctx.timers.cancel(timerKey.sync(group.groupId))
  const initial = group.is(Empty)
  if (initial) {
    // A new group waits group.initial.rebalance.delay.ms for more members before forming.
    const delayMs = ctx.config.initialRebalanceDelayMs
    const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0)
    ctx.timers.schedule(timerKey.join(group.groupId), delayMs, () =>
      tryCompleteInitialRebalance(ctx, group, delayMs, remainingMs),
    )
  }
  group.transitionTo(PreparingRebalance)
  ctx.log.info({ groupId: group.groupId, generationId: group.generationId, reason }, 'preparing to rebalance group')
  if (initial) return
  if (group.hasAllMembersJoined()) completeJoin(ctx, group)
  else ctx.timers.schedule(timerKey.join(group.groupId), group.rebalanceTimeoutMs(), () => completeJoin(ctx, group))
}

/** Each member joining during the initial delay extends it by one more delay, up to the rebalance timeout. */
function tryCompleteInitialRebalance(ctx: CoordinatorContext, group: ClassicGroup, delayMs: number, remainingMs: number): void {
  if (group.newMemberAdded && remainingMs !== 0) {
    group.newMemberAdded = false
    const nextDelayMs = Math.min(ctx.config.initialRebalanceDelayMs, remainingMs)
    const nextRemainingMs = Math.max(remainingMs - delayMs, 0)
    ctx.timers.schedule(timerKey.join(group.groupId), nextDelayMs, () =>
      tryCompleteInitialRebalance(ctx, group, nextDelayMs, nextRemainingMs),
    )
    return
  }
  completeJoin(ctx, group)
}

/**
 * Ends the join phase: dynamic members that did not rejoin are removed, the generation moves on,
 * and every parked JoinGroup is answered (the leader's with all members' metadata).
 */
export function completeJoin(ctx: CoordinatorContext, group: ClassicGroup): void {
  if (!group.is(PreparingRebalance)) return
  const { groupId } = group
  ctx.timers.cancel(timerKey.join(groupId))
  for (const member of group.notYetRejoinedMembers()) {
    if (member.isStatic) continue
    group.remove(member.memberId)
    ctx.timers.cancel(timerKey.heartbeat(groupId, member.memberId))
  }
  if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
    // Nobody rejoined: wait another rebalance timeout, by which sessions will have expired.
    ctx.log.error({ groupId }, 'group could not complete its rebalance because no members rejoined')
    ctx.timers.schedule(timerKey.join(groupId), group.rebalanceTimeoutMs(), () => completeJoin(ctx, group))
    return
  }
  group.initNextGeneration()
  if (group.is(Empty)) {
    ctx.log.info({ groupId, generationId: group.generationId }, 'group is now empty')
    ctx.write(groupId, [groupMetadataRecord(group, new Map())]).catch((err: unknown) => {
      // The previous generation stays in the log; it has no live members either way.
      ctx.log.warn({ groupId, err }, 'failed to write empty group metadata')
    })
    return
  }
  ctx.log.info({ groupId, generationId: group.generationId, members: group.size }, 'stabilized group')
  for (const member of group.members) {
    group.completeJoin(member, {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      memberId: member.memberId,
      members: group.isLeader(member.memberId) ? group.joinResponseMembers() : [],
    })
    rescheduleHeartbeat(ctx, group, member)
    member.isNew = false
    group.addPendingSyncMember(member.memberId)
  }
  const generationId = group.generationId
  ctx.timers.schedule(timerKey.sync(groupId), group.rebalanceTimeoutMs(), () => expirePendingSync(ctx, group, generationId))
}

/** Members that got their JoinGroup answer but never sent SyncGroup are removed, and the group rebalances. */
function expirePendingSync(ctx: CoordinatorContext, group: ClassicGroup, generationId: number): void {
  if (generationId !== group.generationId) return
  if (!group.is(CompletingRebalance) && !group.is(Stable)) return
  if (group.hasReceivedSyncFromAllMembers()) return
  const missing = group.pendingSyncMembers
  for (const memberId of missing) {
    group.remove(memberId)
    ctx.timers.cancel(timerKey.heartbeat(group.groupId, memberId))
  }
  prepareRebalance(ctx, group, `removing ${missing.join(', ')} on pending sync request expiration`)
}

export function removePendingSyncMember(ctx: CoordinatorContext, group: ClassicGroup, memberId: string): void {
  group.removePendingSyncMember(memberId)
  const waiting = group.is(CompletingRebalance) || group.is(Stable)
  if (!waiting || group.hasReceivedSyncFromAllMembers()) ctx.timers.cancel(timerKey.sync(group.groupId))
}

export function addMemberThenRebalanceOrCompleteJoin(
  ctx: CoordinatorContext,
  group: ClassicGroup,
  init: MemberInit,
  joinWaiter: JoinWaiter,
  reason: string,
): void {
  const member = new ClassicMember(init)
  member.isNew = true
  if (group.is(PreparingRebalance) && group.previousState === Empty) group.newMemberAdded = true
  group.add(member, joinWaiter)
  // A new member cannot heartbeat yet; its parked JoinGroup times out instead.
  rescheduleHeartbeat(ctx, group, member, ctx.config.newMemberJoinTimeoutMs)
  maybePrepareRebalanceOrCompleteJoin(ctx, group, reason)
}

export function rescheduleHeartbeat(
  ctx: CoordinatorContext,
  group: ClassicGroup,
  member: ClassicMember,
  timeoutMs = member.sessionTimeoutMs,
): void {
  scheduleSessionExpiry(ctx, group, member.memberId, timeoutMs)
}

/** Sets (or moves) the member's session deadline; also used for members pending their first join. */
export function scheduleSessionExpiry(ctx: CoordinatorContext, group: ClassicGroup, memberId: string, timeoutMs: number): void {
  ctx.timers.schedule(timerKey.heartbeat(group.groupId, memberId), timeoutMs, () => expireHeartbeat(ctx, group, memberId))
}

function expireHeartbeat(ctx: CoordinatorContext, group: ClassicGroup, memberId: string): void {
  if (group.is(Dead)) return
  if (group.isPendingMember(memberId)) {
    ctx.log.info({ groupId: group.groupId, memberId }, 'pending member removed after its session timeout')
    removePendingMemberAndUpdateGroup(ctx, group, memberId)
    return
  }
  const member = group.member(memberId)
  if (!member || member.hasSatisfiedHeartbeat) return
  ctx.log.info({ groupId: group.groupId, memberId }, 'member failed its session timeout, removing it from the group')
  removeMemberAndUpdateGroup(ctx, group, member, `removing member ${memberId} on heartbeat expiration`)
}

/**
 * Removes a member, answering anything it has parked with UNKNOWN_MEMBER_ID (so a client still
 * waiting rejoins, and its connection is not held up), and cancels its session deadline.
 */
export function dropMember(ctx: CoordinatorContext, group: ClassicGroup, member: ClassicMember): void {
  ctx.timers.cancel(timerKey.heartbeat(group.groupId, member.memberId))
  group.completeJoin(member, joinError(UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID))
  group.completeSync(member, syncError(ErrorCode.UNKNOWN_MEMBER_ID))
  group.remove(member.memberId)
}

export function removeMemberAndUpdateGroup(ctx: CoordinatorContext, group: ClassicGroup, member: ClassicMember, reason: string): void {
  dropMember(ctx, group, member)
  if (group.is(Stable) || group.is(CompletingRebalance)) maybePrepareRebalanceOrCompleteJoin(ctx, group, reason)
  else if (group.is(PreparingRebalance) && group.hasAllMembersJoined()) completeJoin(ctx, group)
}

export function removePendingMemberAndUpdateGroup(ctx: CoordinatorContext, group: ClassicGroup, memberId: string): void {
  group.remove(memberId)
  ctx.timers.cancel(timerKey.heartbeat(group.groupId, memberId))
  if (group.is(PreparingRebalance) && group.hasAllMembersJoined()) completeJoin(ctx, group)
}

export function setAndPropagateAssignment(ctx: CoordinatorContext, group: ClassicGroup, assignments: ReadonlyMap<string, Buffer>): void {
  for (const member of group.members) member.assignment = assignments.get(member.memberId) ?? EMPTY_BUFFER
  propagateAssignment(ctx, group, ErrorCode.NONE)
}

export function resetAndPropagateAssignmentWithError(ctx: CoordinatorContext, group: ClassicGroup, errorCode: number): void {
  for (const member of group.members) member.assignment = EMPTY_BUFFER
  propagateAssignment(ctx, group, errorCode)
}

function propagateAssignment(ctx: CoordinatorContext, group: ClassicGroup, errorCode: number): void {
  const ok = errorCode === ErrorCode.NONE
  for (const member of group.members) {
    const answered = group.completeSync(member, {
      throttleTimeMs: 0,
      errorCode,
      protocolType: ok ? group.protocolType : null,
      protocolName: ok ? group.protocolName : null,
      assignment: member.assignment,
    })
    // A session that ran out while the member waited for its assignment starts over now.
    if (answered) rescheduleHeartbeat(ctx, group, member)
  }
}

/** Writes the leader's assignment, then hands it out and the group becomes Stable. */
export function storeAssignment(ctx: CoordinatorContext, group: ClassicGroup, assignments: ReadonlyMap<string, Buffer>): void {
  const generationId = group.generationId
  const stillCurrent = (): boolean => group.is(CompletingRebalance) && group.generationId === generationId
  ctx.write(group.groupId, [groupMetadataRecord(group, assignments)]).then(
    () => {
      if (!stillCurrent()) return
      setAndPropagateAssignment(ctx, group, assignments)
      group.transitionTo(Stable)
    },
    (err: unknown) => {
      if (!stillCurrent()) return
      const errorCode = groupWriteErrorCode(appendFailureCode(err))
      ctx.log.warn({ groupId: group.groupId, err }, 'failed to write the group assignment')
      resetAndPropagateAssignmentWithError(ctx, group, errorCode)
      maybePrepareRebalanceOrCompleteJoin(ctx, group, `error ${errorCode} storing the group assignment`)
    },
  ).catch((err: unknown) => ctx.log.error({ groupId: group.groupId, err }, 'failed to complete the group assignment'))
}
