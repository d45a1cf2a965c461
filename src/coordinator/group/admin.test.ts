import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/error-codes.js'
import { decodeRecord } from './records.js'
import { CLIENT, commitRequest, groupFixture, joinDynamic, joinRequest, subscription, syncRequest } from '../../../test/helpers/group-fixture.js'

const G = 'admin-group'

async function stableGroup() {
  const f = await groupFixture()
  const join = f.coordinator.joinGroup(joinRequest(G, { groupInstanceId: 'inst' }), { ...CLIENT, clientId: 'app' })
  await f.clock.advance(0)
  const member = await join
  await f.coordinator.syncGroup(syncRequest(G, member, { groupInstanceId: 'inst', assignments: [{ memberId: member.memberId, assignment: Buffer.from('A') }] }))
  return { ...f, member }
}

describe('DescribeGroups', () => {
  it('describes a Stable group with its protocol and each member\'s metadata and assignment', async () => {
    const { coordinator, member } = await stableGroup()
    expect(coordinator.describeGroups([G])).toEqual([
      {
        errorCode: 0,
        groupId: G,
        groupState: 'Stable',
        protocolType: 'consumer',
        protocolData: 'range',
        members: [
          {
            memberId: member.memberId,
            groupInstanceId: 'inst',
            clientId: 'app',
            clientHost: '/127.0.0.1',
            memberMetadata: subscription(['orders']),
            memberAssignment: Buffer.from('A'),
          },
        ],
      },
    ])
  })

  it('leaves out the protocol and member metadata while the group rebalances', async () => {
    const { coordinator } = await stableGroup()
    await joinDynamic(coordinator, G)
    const [described] = coordinator.describeGroups([G])
    expect(described).toMatchObject({ groupState: 'PreparingRebalance', protocolType: 'consumer', protocolData: '' })
    expect(described?.members.every((m) => m.memberMetadata.length === 0)).toBe(true)
    expect(described?.members.find((m) => m.groupInstanceId === 'inst')?.memberAssignment).toEqual(Buffer.from('A'))
  })

  it('describes a group that does not exist as Dead, and a simple group as Empty without a protocol type', async () => {
    const { coordinator } = await groupFixture()
    await coordinator.commitOffsets(commitRequest('simple', [{ topic: 'orders', partition: 0, offset: 1n }]), 8)
    expect(coordinator.describeGroups(['missing', 'simple'])).toEqual([
      { errorCode: 0, groupId: 'missing', groupState: 'Dead', protocolType: '', protocolData: '', members: [] },
      { errorCode: 0, groupId: 'simple', groupState: 'Empty', protocolType: '', protocolData: '', members: [] },
    ])
  })
})

describe('ListGroups', () => {
  it('lists groups with their state and type, filtered by state (any case) and type', async () => {
    const { coordinator } = await stableGroup()
    await coordinator.commitOffsets(commitRequest('simple', [{ topic: 'orders', partition: 0, offset: 1n }]), 8)
    const all = coordinator.listGroups([], [])
    expect(all.errorCode).toBe(0)
    expect(all.groups.sort((a, b) => a.groupId.localeCompare(b.groupId))).toEqual([
      { groupId: G, protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
      { groupId: 'simple', protocolType: '', groupState: 'Empty', groupType: 'classic' },
    ])
    expect(coordinator.listGroups(['STABLE'], []).groups.map((g) => g.groupId)).toEqual([G])
    expect(coordinator.listGroups(['empty', 'dead'], ['Classic']).groups.map((g) => g.groupId)).toEqual(['simple'])
    expect(coordinator.listGroups([], ['consumer']).groups).toEqual([])
  })
})

describe('DeleteGroups', () => {
  it('deletes an empty group and its offsets with tombstones; refuses groups with members or that do not exist', async () => {
    const { coordinator, groupLog } = await stableGroup()
    await coordinator.commitOffsets(commitRequest('simple', [{ topic: 'orders', partition: 0, offset: 1n }, { topic: 'payments', partition: 1, offset: 2n }]), 8)
    const results = await coordinator.deleteGroups(['simple', G, 'missing', 'simple'])
    expect(results).toEqual([
      { groupId: 'simple', errorCode: 0 },
      { groupId: G, errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ])
    const tail = groupLog.all().map(decodeRecord).slice(-3)
    expect(tail).toEqual([
      { type: 'offset', group: 'simple', topic: 'orders', partition: 0, value: null },
      { type: 'offset', group: 'simple', topic: 'payments', partition: 1, value: null },
      { type: 'group', group: 'simple', value: null },
    ])
    expect(coordinator.describeGroups(['simple'])[0]?.groupState).toBe('Dead')
    expect(coordinator.fetchOffsets('simple', null, false).topics).toEqual([])
  })

  it('drops commits still being written when their group is deleted', async () => {
    const f = await groupFixture()
    await f.coordinator.commitOffsets(commitRequest('simple', [{ topic: 'orders', partition: 0, offset: 1n }]), 8)
    f.groupLog.hold()
    const commit = f.coordinator.commitOffsets(commitRequest('simple', [{ topic: 'orders', partition: 1, offset: 5n }]), 8)
    const deleted = f.coordinator.deleteGroups(['simple'])
    f.groupLog.release()
    await commit
    expect(await deleted).toEqual([{ groupId: 'simple', errorCode: 0 }])
    expect(f.coordinator.fetchOffsets('simple', null, false).topics).toEqual([])
    const restarted = await f.restart()
    expect(restarted.fetchOffsets('simple', null, false).topics).toEqual([])
    expect(restarted.groupState('simple')).toBeUndefined()
  })

  it('keeps the group and its offsets when the tombstones cannot be written', async () => {
    const { coordinator, groupLog } = await groupFixture()
    await coordinator.commitOffsets(commitRequest('simple', [{ topic: 'orders', partition: 0, offset: 4n }]), 8)
    groupLog.failWith(ErrorCode.KAFKA_STORAGE_ERROR)
    expect(await coordinator.deleteGroups(['simple'])).toEqual([{ groupId: 'simple', errorCode: ErrorCode.NOT_COORDINATOR }])
    expect(coordinator.groupState('simple')).toBe('Empty')
    expect(coordinator.fetchOffsets('simple', null, false).topics[0]?.partitions[0]?.committedOffset).toBe(4n)
  })
})
