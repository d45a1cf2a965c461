/**
 * Rebuilding groups and offsets from __consumer_offsets records, as Kafka's loader replays them:
 * the last GroupMetadata record of a group is its state (Stable with members, else Empty), an
 * OffsetCommit record sets an offset (creating a group that only commits if needed), and
 * tombstones delete.
 */
import type { GroupMetadataValue } from '../../protocol/generated/records/group-metadata-value.js'
import { ClassicGroup } from './classic-group.js'
import type { CoordinatorContext } from './context.js'
import { GroupState } from './group-state.js'
import { ClassicMember } from './member.js'
import { prepareRebalance, rescheduleHeartbeat } from './rebalance.js'
import { decodeRecord } from './records.js'
import type { GroupLogRecord } from './records.js'

/** Applies one record; returns false for record types the classic coordinator does not know (skipped). */
export function replayRecord(ctx: CoordinatorContext, record: GroupLogRecord): boolean {
  const decoded = decodeRecord(record)
  switch (decoded.type) {
    case 'offset':
      if (decoded.value && !ctx.groups.has(decoded.group)) {
        const group = new ClassicGroup(decoded.group, ctx.now)
        ctx.groups.set(decoded.group, group)
      }
      ctx.offsets.replay(decoded.group, decoded.topic, decoded.partition, decoded.value)
      // A tombstone (OffsetDelete) also deletes the partition's pending transactional offsets.
      if (decoded.value) ctx.txnOffsets.plainCommitWritten(decoded.group, decoded.topic, decoded.partition)
      else ctx.txnOffsets.removePartition(decoded.group, decoded.topic, decoded.partition)
      return true
    case 'group':
      if (decoded.value) ctx.groups.set(decoded.group, restoreGroup(ctx, decoded.group, decoded.value))
      else ctx.groups.delete(decoded.group)
      return true
    case 'unknown':
      return false
  }
}

function restoreGroup(ctx: CoordinatorContext, groupId: string, value: GroupMetadataValue): ClassicGroup {
  const protocol = value.protocol
  if (protocol === null && value.members.length > 0) {
    ctx.log.warn({ groupId }, 'group metadata record has members but no protocol; loading the group without them')
  }
  const members = protocol === null ? [] : value.members
  const group = new ClassicGroup(groupId, ctx.now, {
    state: members.length > 0 ? GroupState.Stable : GroupState.Empty,
    generationId: value.generation,
    protocolType: value.protocolType === '' ? null : value.protocolType,
    protocolName: protocol,
    leaderId: value.leader,
    stateTimestamp: value.currentStateTimestamp === -1n ? null : Number(value.currentStateTimestamp),
  })
  for (const m of members) {
    group.add(
      new ClassicMember({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        // Records before v1 had no rebalance timeout; the session timeout stood in for it.
        rebalanceTimeoutMs: m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout,
        sessionTimeoutMs: m.sessionTimeout,
        protocolType: value.protocolType,
        // Copies: the record buffers may be views into a larger read of the log.
        protocols: [{ name: protocol ?? '', metadata: Buffer.from(m.subscription) }],
        assignment: Buffer.from(m.assignment),
      }),
    )
  }
  group.refreshSubscribedTopics()
  return group
}

/**
 * Once a partition is loaded its members' sessions start counting; a group larger than
 * group.max.size (lowered since) rebalances so the excess members are shed.
 */
export function activateLoadedGroups(ctx: CoordinatorContext, groups: readonly ClassicGroup[]): void {
  for (const group of groups) {
    for (const member of group.members) rescheduleHeartbeat(ctx, group, member)
    if (group.size > ctx.config.maxSize) {
      prepareRebalance(ctx, group, `loaded group has ${group.size} members, over group.max.size ${ctx.config.maxSize}`)
    }
  }
}
