/**
 * offsets.retention.minutes: offsets expire, and empty groups without offsets are deleted,
 * checked every offsets.retention.check.interval.ms, with Kafka's rules for which clock an
 * offset's age is measured from.
 */
import type { ClassicGroup } from './classic-group.js'
import type { CoordinatorContext } from './context.js'
import { GroupState } from './group-state.js'
import { removeGroup, restoreGroup } from './admin.js'
import { restoreOffsets } from './offsets.js'
import type { RemovedOffset } from './offsets.js'
import { groupMetadataTombstone, offsetCommitTombstone } from './records.js'
import type { GroupLogRecord, OffsetAndMetadata } from './records.js'

/**
 * When an offset's retention period starts, or null when the group's offsets do not expire now:
 * - a group that only commits (no protocol type): from each commit;
 * - an empty group: from when it became empty (older records lack that: from each commit);
 * - a stable consumer group that knows its subscriptions: from each commit, for topics it no longer consumes;
 * - anything else (rebalancing, non-consumer protocols): not at all.
 */
function retentionStart(group: ClassicGroup): ((offset: OffsetAndMetadata) => number) | null {
  if (group.protocolType === null) return (o) => o.commitTimestamp
  if (group.is(GroupState.Empty)) return (o) => (group.stateTimestamp === -1 ? o.commitTimestamp : group.stateTimestamp)
  if (group.usesConsumerProtocol && group.subscribedTopics !== null && group.is(GroupState.Stable)) return (o) => o.commitTimestamp
  return null
}

/**
 * One pass over the groups of loaded partitions (a partition still being replayed holds partial
 * state, which must not be expired). Resolves when the tombstones are written.
 */
export async function expireOffsets(ctx: CoordinatorContext, isLoaded: (groupId: string) => boolean): Promise<void> {
  const now = ctx.now()
  const retentionMs = ctx.config.offsetsRetentionMs
  const writes: Promise<void>[] = []
  for (const group of [...ctx.groups.values()]) {
    const { groupId } = group
    if (!isLoaded(groupId)) continue
    const start = retentionStart(group)
    if (start === null) continue
    const expired: RemovedOffset[] = []
    let kept = 0
    for (const [topic, partition, offset] of ctx.offsets.committed(groupId)) {
      const isExpired =
        !group.isSubscribedToTopic(topic) &&
        !ctx.offsets.hasPending(groupId, topic, partition) &&
        (offset.expireTimestamp !== null ? now >= offset.expireTimestamp : now - start(offset) >= retentionMs)
      if (isExpired) expired.push([topic, partition, offset])
      else kept++
    }
    const records: GroupLogRecord[] = []
    for (const [topic, partition] of expired) {
      ctx.offsets.remove(groupId, topic, partition)
      records.push(offsetCommitTombstone(groupId, topic, partition))
    }
    const deleteGroup = kept === 0 && !ctx.offsets.hasOffsets(groupId) && !ctx.txnOffsets.hasGroup(groupId) && group.is(GroupState.Empty)
    if (deleteGroup) {
      removeGroup(ctx, group)
      records.push(groupMetadataTombstone(groupId))
    }
    if (records.length === 0) continue
    ctx.log.info({ groupId, expiredOffsets: expired.length, groupDeleted: deleteGroup }, 'expired group offsets')
    writes.push(
      ctx.write(groupId, records).catch((err: unknown) => {
        ctx.log.warn({ groupId, err }, 'failed to write expired offsets')
        if (deleteGroup) restoreGroup(ctx, group)
        restoreOffsets(ctx, groupId, expired)
      }),
    )
  }
  await Promise.all(writes)
}
