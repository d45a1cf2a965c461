/**
 * JoinGroup, as Kafka's classic coordinator answers it. The answer may be immediate (errors,
 * MEMBER_ID_REQUIRED, a follower rejoining a stable group unchanged) or parked until the join
 * phase completes; either way it is the returned promise.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import type { JoinGroupRequest, JoinGroupResponse } from '../../protocol/generated/join-group.js'
import { ClassicGroup } from './classic-group.js'
import type { CoordinatorContext } from './context.js'
import { appendFailureCode, groupWriteErrorCode } from './group-log.js'
import { GroupState } from './group-state.js'
import { timerKey } from './keyed-timers.js'
import type { ClassicMember, GroupProtocol, JoinWaiter, MemberInit } from './member.js'
import {
  addMemberThenRebalanceOrCompleteJoin,
  maybeCompleteJoinPhase,
  maybePrepareRebalanceOrCompleteJoin,
  prepareRebalance,
  rescheduleHeartbeat,
  scheduleSessionExpiry,
} from './rebalance.js'
import { emptyGroupMetadataRecord, groupMetadataRecord } from './records.js'
import { joinError, UNKNOWN_MEMBER_ID } from './responses.js'

/** Who is asking: Kafka keys new member ids on the client id and records the client's host. */
export interface JoinClient {
  readonly clientId: string
  /** As Kafka shows it: `/` and the address. */
  readonly clientHost: string
  readonly apiVersion: number
}

/** One JoinGroup as the steps below need it. */
interface Join {
  readonly ctx: CoordinatorContext
  readonly req: JoinGroupRequest
  readonly client: JoinClient
  readonly group: ClassicGroup
  /** v0 has no rebalance timeout; Kafka uses the session timeout. */
  readonly rebalanceTimeoutMs: number
  readonly answer: JoinWaiter
  readonly reason: string
}

export function joinGroup(ctx: CoordinatorContext, req: JoinGroupRequest, client: JoinClient): Promise<JoinGroupResponse> {
  let answer!: JoinWaiter
  const response = new Promise<JoinGroupResponse>((resolve) => (answer = resolve))
  const { memberId } = req
  if (req.sessionTimeoutMs < ctx.config.minSessionTimeoutMs || req.sessionTimeoutMs > ctx.config.maxSessionTimeoutMs) {
    answer(joinError(memberId, ErrorCode.INVALID_SESSION_TIMEOUT))
    return response
  }
  const isUnknownMember = memberId === UNKNOWN_MEMBER_ID
  let group = ctx.groups.get(req.groupId)
  const isNewGroup = group === undefined
  if (!group) {
    // Only a member without an id creates a group; an id for a group that does not exist is stale.
    if (!isUnknownMember) {
      answer(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
      return response
    }
    group = new ClassicGroup(req.groupId, ctx.now)
    ctx.groups.set(req.groupId, group)
  }
  const join: Join = {
    ctx,
    req,
    client,
    group,
    rebalanceTimeoutMs: client.apiVersion === 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
    answer,
    reason: req.reason ?? 'not provided',
  }
  if (!acceptsJoiningMember(ctx, group, memberId)) {
    group.remove(memberId)
    answer(joinError(UNKNOWN_MEMBER_ID, ErrorCode.GROUP_MAX_SIZE_REACHED))
  } else if (isUnknownMember) {
    joinNewMember(join)
  } else {
    joinExistingMember(join)
  }
  if (isNewGroup) recordNewGroup(join)
  return response
}

/**
 * Kafka writes a group into the log as soon as a JoinGroup creates it. If that write fails the
 * creation is undone: whoever joined meanwhile is answered with the error.
 */
function recordNewGroup({ ctx, group, answer }: Join): void {
  ctx.write(group.groupId, [emptyGroupMetadataRecord(group.groupId, group.stateTimestamp)]).catch((err: unknown) => {
    const errorCode = groupWriteErrorCode(appendFailureCode(err))
    ctx.log.warn({ groupId: group.groupId, err }, 'failed to write the new group')
    answer(joinError(UNKNOWN_MEMBER_ID, errorCode))
    if (ctx.groups.get(group.groupId) !== group || group.generationId !== 0) return
    group.failAllWaiters(errorCode)
    ctx.timers.cancelPrefix(timerKey.group(group.groupId))
    ctx.groups.delete(group.groupId)
    group.transitionTo(GroupState.Dead)
  })
}

/**
 * group.max.size: while preparing a rebalance, members already parked count (so a shrunken limit
 * sheds the last to rejoin); otherwise members of the group count.
 */
function acceptsJoiningMember(ctx: CoordinatorContext, group: ClassicGroup, memberId: string): boolean {
  const max = ctx.config.maxSize
  switch (group.state) {
    case GroupState.PreparingRebalance:
      return group.member(memberId)?.isAwaitingJoin === true || group.numAwaitingJoin < max
    case GroupState.CompletingRebalance:
    case GroupState.Stable:
      return group.hasMember(memberId) || group.size < max
    default:
      return true
  }
}

function joinNewMember(join: Join): void {
  const { req, group, client, answer } = join
  if (!group.supportsProtocols(req.protocolType, req.protocols)) {
    answer(joinError(UNKNOWN_MEMBER_ID, ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
    return
  }
  const newMemberId = group.generateMemberId(client.clientId, req.groupInstanceId)
  if (req.groupInstanceId !== null) {
    const existing = group.staticMemberId(req.groupInstanceId)
    if (existing !== undefined) replaceStaticMember(join, req.groupInstanceId, existing, newMemberId)
    else addMember(join, newMemberId)
  } else if (client.apiVersion >= 4) {
    // v4+: hand out the id first and count the member only when it comes back with it.
    group.addPendingMember(newMemberId)
    scheduleSessionExpiry(join.ctx, group, newMemberId, req.sessionTimeoutMs)
    answer(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED))
  } else {
    addMember(join, newMemberId)
  }
}

function joinExistingMember(join: Join): void {
  const { req, group, answer } = join
  const { memberId } = req
  if (!group.supportsProtocols(req.protocolType, req.protocols)) {
    answer(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
    return
  }
  if (group.isPendingMember(memberId)) {
    // Pending members are dynamic by construction; Kafka treats a static one here as a bug.
    if (req.groupInstanceId !== null) answer(joinError(memberId, ErrorCode.UNKNOWN_SERVER_ERROR))
    else addMember(join, memberId)
    return
  }
  const errorCode = group.validateMember(memberId, req.groupInstanceId)
  const member = group.member(memberId)
  if (errorCode !== ErrorCode.NONE || !member) {
    answer(joinError(memberId, errorCode || ErrorCode.UNKNOWN_MEMBER_ID))
    return
  }
  const unchanged = member.matches(req.protocols)
  switch (group.state) {
    case GroupState.PreparingRebalance:
      updateMember(join, member, `member ${memberId} joining during PreparingRebalance`)
      return
    case GroupState.CompletingRebalance:
      // Same metadata: the member probably lost our answer; give it the current generation again.
      if (unchanged) answer(currentGeneration(group, memberId, group.isLeader(memberId)))
      else updateMember(join, member, `updating metadata for member ${memberId} during CompletingRebalance`)
      return
    case GroupState.Stable:
      // The leader's JoinGroup always rebalances: that is how it reacts to topic metadata changes.
      if (group.isLeader(memberId)) updateMember(join, member, `leader ${memberId} re-joining group during Stable`)
      else if (!unchanged) updateMember(join, member, `updating metadata for member ${memberId} during Stable`)
      else answer(currentGeneration(group, memberId, false))
      return
    default:
      answer(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
  }
}

function addMember(join: Join, memberId: string): void {
  const { ctx, req, client, group, answer } = join
  const init: MemberInit = {
    memberId,
    groupInstanceId: req.groupInstanceId,
    clientId: client.clientId,
    clientHost: client.clientHost,
    rebalanceTimeoutMs: join.rebalanceTimeoutMs,
    sessionTimeoutMs: req.sessionTimeoutMs,
    protocolType: req.protocolType,
    protocols: copyProtocols(req.protocols),
  }
  const reason = `adding new member ${memberId} with group instance id ${req.groupInstanceId}; client reason: ${join.reason}`
  addMemberThenRebalanceOrCompleteJoin(ctx, group, init, answer, reason)
}

function updateMember(join: Join, member: ClassicMember, why: string): void {
  const { ctx, req, group, answer } = join
  group.updateMember(member, copyProtocols(req.protocols), join.rebalanceTimeoutMs, req.sessionTimeoutMs, answer)
  maybePrepareRebalanceOrCompleteJoin(ctx, group, `${why}; client reason: ${join.reason}`)
}

/**
 * A static member rejoining without its member id (a restarted instance) takes over its old
 * id's place. In a Stable group whose protocol would not change this needs no rebalance: the
 * new id is written and the member gets the current generation back.
 */
function replaceStaticMember(join: Join, groupInstanceId: string, oldMemberId: string, newMemberId: string): void {
  const { ctx, req, group, answer, client } = join
  const currentLeader = group.leaderId
  const member = group.replaceStaticMember(groupInstanceId, oldMemberId, newMemberId)
  ctx.timers.cancel(timerKey.heartbeat(group.groupId, oldMemberId))
  rescheduleHeartbeat(ctx, group, member)
  const previous = { protocols: member.protocols, rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs }
  group.updateMember(member, copyProtocols(req.protocols), join.rebalanceTimeoutMs, req.sessionTimeoutMs, answer)
  const reason = `static member ${newMemberId} with instance id ${groupInstanceId} rejoined; client reason: ${join.reason}`
  if (group.is(GroupState.CompletingRebalance)) {
    // The leader may already be assigning to the old id; only a new rebalance gets the new id an assignment.
    prepareRebalance(ctx, group, reason)
    return
  }
  if (!group.is(GroupState.Stable)) {
    maybeCompleteJoinPhase(ctx, group)
    return
  }
  if (group.protocolName !== group.selectProtocol()) {
    maybePrepareRebalanceOrCompleteJoin(ctx, group, reason)
    return
  }
  ctx.write(group.groupId, [groupMetadataRecord(group, group.assignments())]).then(
    () => {
      const isLeader = group.isLeader(newMemberId)
      // v9+ tells the leader it leads but must not reassign; older clients are told the old leader, so they do not.
      const skipping = client.apiVersion >= 9
      group.completeJoin(member, {
        ...currentGeneration(group, newMemberId, skipping && isLeader),
        leader: (skipping ? group.leaderId : currentLeader) ?? '',
        skipAssignment: skipping && isLeader,
      })
    },
    (err: unknown) => {
      const errorCode = groupWriteErrorCode(appendFailureCode(err))
      ctx.log.warn({ groupId: group.groupId, groupInstanceId, err }, 'failed to write the static member, keeping its old member id')
      if (group.member(newMemberId) === member && group.is(GroupState.Stable)) {
        group.updateMember(member, previous.protocols, previous.rebalanceTimeoutMs, previous.sessionTimeoutMs, null)
        rescheduleHeartbeat(ctx, group, group.replaceStaticMember(groupInstanceId, newMemberId, oldMemberId))
        ctx.timers.cancel(timerKey.heartbeat(group.groupId, newMemberId))
      }
      answer({ ...currentGeneration(group, UNKNOWN_MEMBER_ID, false), leader: currentLeader ?? '', errorCode })
    },
  ).catch((err: unknown) => ctx.log.error({ groupId: group.groupId, groupInstanceId, err }, 'failed to complete the static member rejoin'))
}

function currentGeneration(group: ClassicGroup, memberId: string, withMembers: boolean): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader: group.leaderId ?? '',
    skipAssignment: false,
    memberId,
    members: withMembers ? group.joinResponseMembers() : [],
  }
}

/** Request buffers are views into the request frame; the group keeps them beyond it. */
function copyProtocols(protocols: readonly GroupProtocol[]): GroupProtocol[] {
  return protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) }))
}
