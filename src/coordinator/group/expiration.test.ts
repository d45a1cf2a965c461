import { describe, expect, it } from 'vitest'
import { decodeRecord } from './records.js'
import { commitRequest, groupFixture, joinDynamic, subscription, syncRequest, TEST_PARTITIONS } from '../../../test/helpers/group-fixture.js'
import { partitionForGroup } from './partition-for-group.js'
import type { GroupLogRecord } from './records.js'

const G = 'expiring-group'
const RETENTION = 60_000
const config = { offsetsRetentionMs: RETENTION, offsetsRetentionCheckIntervalMs: 10_000 }

function offsetOf(coordinator: Awaited<ReturnType<typeof groupFixture>>['coordinator'], topic: string, partition = 0): bigint | undefined {
  return coordinator.fetchOffsets(G, [{ name: topic, partitionIndexes: [partition] }], false).topics[0]?.partitions[0]?.committedOffset
}

async function stableConsumer(topics: readonly string[], protocolType = 'consumer') {
  const f = await groupFixture({ config })
  const join = await joinDynamic(f.coordinator, G, { protocolType, protocols: [{ name: 'range', metadata: subscription(topics) }] })
  await f.clock.advance(0)
  const member = await join.response
  await f.coordinator.syncGroup(syncRequest(G, member))
  const keepAlive = () => f.coordinator.heartbeat({ groupId: G, generationId: 1, memberId: member.memberId, groupInstanceId: null })
  const commit = (topic: string) =>
    f.coordinator.commitOffsets(commitRequest(G, [{ topic, partition: 0, offset: 1n }], { generationIdOrMemberEpoch: 1, memberId: member.memberId }), 8)
  return { ...f, member, keepAlive, commit }
}

describe('offsets.retention.minutes', () => {
  it('expires a simple group\'s offsets counted from each commit, then deletes the group', async () => {
    const { coordinator, clock, groupLog } = await groupFixture({ config })
    await coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 0, offset: 1n }]), 8)
    await clock.advance(30_000)
    await coordinator.commitOffsets(commitRequest(G, [{ topic: 'payments', partition: 0, offset: 1n }]), 8)
    await clock.advance(30_000)
    await coordinator.expireOffsets()
    expect(offsetOf(coordinator, 'orders')).toBe(-1n)
    expect(offsetOf(coordinator, 'payments')).toBe(1n)
    await clock.advance(30_000)
    await coordinator.expireOffsets()
    expect(offsetOf(coordinator, 'payments')).toBe(-1n)
    expect(coordinator.groupState(G)).toBeUndefined()
    expect(groupLog.all().map(decodeRecord).slice(-2)).toEqual([
      { type: 'offset', group: G, topic: 'payments', partition: 0, value: null },
      { type: 'group', group: G, value: null },
    ])
  })

  it('counts an empty consumer group\'s retention from when it became empty', async () => {
    const { coordinator, clock, commit, member } = await stableConsumer(['orders'])
    await commit('orders')
    await clock.advance(5_000)
    await coordinator.leaveGroup(G, [{ memberId: member.memberId, groupInstanceId: null, reason: null }])
    expect(coordinator.groupState(G)).toBe('Empty')
    await clock.advance(RETENTION - 1)
    await coordinator.expireOffsets()
    expect(offsetOf(coordinator, 'orders')).toBe(1n)
    await clock.advance(1)
    await coordinator.expireOffsets()
    expect(offsetOf(coordinator, 'orders')).toBe(-1n)
  })

  it('keeps a Stable consumer group\'s offsets for topics it consumes, expiring the others from their commit', async () => {
    const { coordinator, clock, commit, keepAlive } = await stableConsumer(['orders'])
    await commit('orders')
    await commit('payments')
    for (let t = 0; t < 2 * RETENTION; t += 5_000) {
      keepAlive()
      await clock.advance(5_000)
    }
    expect(offsetOf(coordinator, 'orders')).toBe(1n)
    expect(offsetOf(coordinator, 'payments')).toBe(-1n)
    expect(coordinator.groupState(G)).toBe('Stable')
  })

  it('does not expire offsets of a group of another protocol type while it has members', async () => {
    const { coordinator, clock, commit, keepAlive } = await stableConsumer(['orders'], 'connect')
    await commit('payments')
    for (let t = 0; t < 2 * RETENTION; t += 5_000) {
      keepAlive()
      await clock.advance(5_000)
    }
    expect(offsetOf(coordinator, 'payments')).toBe(1n)
  })

  it('honours the expire timestamp of a commit that carried a retention time', async () => {
    const { coordinator, clock } = await groupFixture({ config })
    await coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 0, offset: 1n }], { retentionTimeMs: 1_000n }), 2)
    await clock.advance(1_000)
    await coordinator.expireOffsets()
    expect(offsetOf(coordinator, 'orders')).toBe(-1n)
  })

  it('deletes an empty group that has no offsets at the next check', async () => {
    const { coordinator, clock, member } = await stableConsumer(['orders'])
    await coordinator.leaveGroup(G, [{ memberId: member.memberId, groupInstanceId: null, reason: null }])
    expect(coordinator.groupState(G)).toBe('Empty')
    await clock.advance(9_999)
    expect(coordinator.groupState(G)).toBe('Empty')
    await clock.advance(1)
    expect(coordinator.groupState(G)).toBeUndefined()
  })

  it('leaves partitions that are still being replayed alone', async () => {
    const f = await groupFixture({ config })
    await f.coordinator.commitOffsets(commitRequest(G, [{ topic: 'orders', partition: 0, offset: 1n }]), 8)
    const records = f.groupLog.all()
    const written = records.length
    const next = await f.restart()
    for (let p = 0; p < TEST_PARTITIONS; p++) next.unloadPartition(p)
    let finish!: () => void
    const gate = new Promise<void>((resolve) => (finish = resolve))
    async function* halfway(): AsyncGenerator<GroupLogRecord> {
      yield* records
      await gate
    }
    const partition = partitionForGroup(G, TEST_PARTITIONS)
    const loading = next.loadPartition(partition, halfway())
    await f.clock.advance(2 * RETENTION)
    expect(f.groupLog.all()).toHaveLength(written)
    finish()
    await loading
    await next.expireOffsets()
    expect(f.groupLog.all().length).toBeGreaterThan(written)
  })
})
