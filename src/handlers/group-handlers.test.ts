import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import type { GroupCoordinator } from '../coordinator/group/group-coordinator.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { ApiCodec } from '../protocol/generated/api-keys.js'
import { DescribeGroups } from '../protocol/generated/describe-groups.js'
import { FindCoordinator } from '../protocol/generated/find-coordinator.js'
import { Heartbeat } from '../protocol/generated/heartbeat.js'
import { KafkaError } from '../protocol/kafka-error.js'
import { JoinGroup } from '../protocol/generated/join-group.js'
import { LeaveGroup } from '../protocol/generated/leave-group.js'
import { OffsetCommit } from '../protocol/generated/offset-commit.js'
import { OffsetFetch } from '../protocol/generated/offset-fetch.js'
import { SyncGroup } from '../protocol/generated/sync-group.js'
import { Reader } from '../protocol/primitives/reader.js'
import { Writer } from '../protocol/primitives/writer.js'
import { commitRequest, groupFixture, joinRequest } from '../../test/helpers/group-fixture.js'
import { describeGroups } from './describe-groups.js'
import { findCoordinator } from './find-coordinator.js'
import type { ApiHandler, BrokerServices, RequestContext } from './handler.js'
import { heartbeat } from './heartbeat.js'
import { clientHost, joinGroup } from './join-group.js'
import { leaveGroup } from './leave-group.js'
import { offsetCommit } from './offset-commit.js'
import { offsetFetch } from './offset-fetch.js'
import { syncGroup } from './sync-group.js'

/**
 * The services these handlers use; the rest of BrokerServices is not touched by them. Without a
 * coordinator, reaching for it fails the request, to show each API's error answer.
 */
function services(groups: GroupCoordinator | undefined): BrokerServices {
  const cluster = {
    nodeId: 7,
    endpointFor: (listener: string) => (listener === 'PLAINTEXT' ? { listenerName: listener, securityProtocol: 'PLAINTEXT', host: 'broker.local', port: 9092 } : undefined),
  }
  const svc = { cluster } as unknown as BrokerServices
  return Object.defineProperty(svc, 'groups', {
    get: () => {
      if (!groups) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
      return groups
    },
  })
}

/** Encodes the request, serves it as the dispatcher would, and decodes the response bytes. */
async function call<Req, Res>(handler: ApiHandler, api: ApiCodec<Req, Res>, version: number, req: Req, svc: BrokerServices, listenerName = 'PLAINTEXT'): Promise<Res> {
  const w = new Writer()
  api.encodeRequest(w, version, req)
  const ctx: RequestContext = {
    apiVersion: version,
    correlationId: 1,
    clientId: 'app',
    connection: { id: 1, remote: '::ffff:127.0.0.1:53000', listenerName, clientSoftware: undefined },
    services: svc,
    log: pino({ level: 'silent' }),
  }
  const body = await handler.serve(new Reader(w.toBuffer()), ctx)
  if (!body) throw new Error('no response')
  const out = new Writer()
  body(out)
  return api.decodeResponse(new Reader(out.toBuffer()), version)
}

describe('group API handlers', () => {
  it('answer a request-wide failure in each API\'s own shape', async () => {
    const none = services(undefined)
    const NA = ErrorCode.COORDINATOR_NOT_AVAILABLE
    expect((await call(joinGroup, JoinGroup, 5, joinRequest('g'), none)).errorCode).toBe(NA)
    expect((await call(heartbeat, Heartbeat, 4, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null }, none)).errorCode).toBe(NA)
    const commit = await call(offsetCommit, OffsetCommit, 8, commitRequest('g', [{ topic: 'orders', partition: 0, offset: 1n }]), none)
    expect(commit.topics[0]?.partitions[0]?.errorCode).toBe(NA)
    const fetch = await call(offsetFetch, OffsetFetch, 8, { groupId: '', topics: [], groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: null }], requireStable: false }, none)
    expect(fetch.groups).toEqual([{ groupId: 'g', errorCode: NA, topics: [] }])
    const found = await call(findCoordinator, FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: ['a', 'b'] }, none)
    expect(found.coordinators.map((c) => [c.key, c.errorCode])).toEqual([['a', NA], ['b', NA]])
  })

  it('FindCoordinator points group keys at this node once their partition is loaded', async () => {
    const { coordinator } = await groupFixture()
    const svc = services(coordinator)
    const v3 = await call(findCoordinator, FindCoordinator, 3, { key: 'g', keyType: 0, coordinatorKeys: [] }, svc)
    expect(v3).toMatchObject({ errorCode: 0, nodeId: 7, host: 'broker.local', port: 9092 })
    const v4 = await call(findCoordinator, FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: ['g1', 'g2'] }, svc)
    expect(v4.coordinators.map((c) => [c.key, c.errorCode, c.nodeId])).toEqual([['g1', 0, 7], ['g2', 0, 7]])
    // Transactional ids: answered once their __transaction_state partition is loaded.
    const loaded = new Set<number>()
    Object.defineProperty(svc, 'transactions', { value: { ready: () => Promise.resolve(), partitionFor: () => 3, ownsPartition: (p: number) => loaded.has(p) } })
    const txn = await call(findCoordinator, FindCoordinator, 3, { key: 't', keyType: 1, coordinatorKeys: [] }, svc)
    expect(txn.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    loaded.add(3)
    const txnFound = await call(findCoordinator, FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: ['t'] }, svc)
    expect(txnFound.coordinators.map((c) => [c.key, c.errorCode, c.nodeId])).toEqual([['t', 0, 7]])
    const bad = await call(findCoordinator, FindCoordinator, 3, { key: 't', keyType: 9, coordinatorKeys: [] }, svc)
    expect(bad.errorCode).toBe(ErrorCode.INVALID_REQUEST)
    const elsewhere = await call(findCoordinator, FindCoordinator, 3, { key: 'g', keyType: 0, coordinatorKeys: [] }, svc, 'OTHER')
    expect(elsewhere.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  })

  it('JoinGroup records the client id and host, and sends an empty protocol name before v7', async () => {
    const { coordinator, clock } = await groupFixture()
    const svc = services(coordinator)
    const required = await call(joinGroup, JoinGroup, 6, joinRequest('g'), svc)
    expect(required).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, protocolName: '' })
    const join = call(joinGroup, JoinGroup, 6, joinRequest('g', { memberId: required.memberId }), svc)
    await clock.advance(0)
    expect((await join).generationId).toBe(1)
    const described = await call(describeGroups, DescribeGroups, 5, { groups: ['g'], includeAuthorizedOperations: true }, svc)
    expect(described.groups[0]?.members[0]).toMatchObject({ clientId: 'app', clientHost: '/127.0.0.1' })
    expect(described.groups[0]?.authorizedOperations).toBe((1 << 3) | (1 << 8) | (1 << 6))
  })

  it('SyncGroup v5 requires the protocol type and name', async () => {
    const { coordinator } = await groupFixture()
    const req = { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: null, protocolName: 'range', assignments: [] }
    expect((await call(syncGroup, SyncGroup, 5, req, services(coordinator))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await call(syncGroup, SyncGroup, 4, req, services(coordinator))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('LeaveGroup before v3 answers with its one member\'s error', async () => {
    const { coordinator } = await groupFixture()
    const left = await call(leaveGroup, LeaveGroup, 1, { groupId: 'g', memberId: 'ghost', members: [] }, services(coordinator))
    expect(left).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] })
  })

  it('OffsetFetch v1-7 puts a group error at the top and on each requested partition', async () => {
    const { coordinator } = await groupFixture({ load: false })
    const req = { groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0, 1] }], groups: [], requireStable: false }
    const v2 = await call(offsetFetch, OffsetFetch, 2, req, services(coordinator))
    expect(v2.errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect(v2.topics[0]?.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.errorCode])).toEqual([
      [0, -1n, ErrorCode.NOT_COORDINATOR],
      [1, -1n, ErrorCode.NOT_COORDINATOR],
    ])
  })

  it('OffsetFetch v8 answers several groups', async () => {
    const { coordinator } = await groupFixture()
    await coordinator.commitOffsets(commitRequest('a', [{ topic: 'orders', partition: 0, offset: 3n }]), 8)
    const r = await call(
      offsetFetch,
      OffsetFetch,
      8,
      {
        groupId: '',
        topics: [],
        groups: [
          { groupId: 'a', memberId: null, memberEpoch: -1, topics: null },
          { groupId: 'b', memberId: null, memberEpoch: -1, topics: [{ name: 'orders', partitionIndexes: [0] }] },
        ],
        requireStable: true,
      },
      services(coordinator),
    )
    expect(r.groups.map((g) => [g.groupId, g.errorCode, g.topics[0]?.partitions[0]?.committedOffset])).toEqual([
      ['a', 0, 3n],
      ['b', 0, -1n],
    ])
  })

  it('formats the client host as Kafka does', () => {
    expect(clientHost('127.0.0.1:5000')).toBe('/127.0.0.1')
    expect(clientHost('::ffff:10.0.0.2:5000')).toBe('/10.0.0.2')
    expect(clientHost('::1:5000')).toBe('/::1')
  })
})
