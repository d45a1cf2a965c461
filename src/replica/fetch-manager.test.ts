import { beforeEach, describe, expect, it } from 'vitest'
import { ErrorCode } from '../protocol/error-codes.js'
import type { FetchRequest, PartitionData } from '../protocol/generated/fetch.js'
import { randomUuid, ZERO_UUID } from '../protocol/primitives/uuid.js'
import { ManualClock } from '../storage/clock.js'
import { FetchManager, type FetchContext, type FetchSessionResponse, type PartitionResult } from './fetch-manager.js'
import { FetchSessionCache } from './fetch-session-cache.js'
import { partitionKey, type TopicIdPartition } from './fetch-session.js'

type Req = Parameters<FetchManager['newContext']>[0]
type Part = { topic: string; partition: number; offset?: bigint; topicId?: string }

/** A request naming partitions by topic (v12-) or by the ids in `ids` (v13+). */
function request(sessionId: number, sessionEpoch: number, parts: Part[], forget: Part[] = [], replicaId = -1): Req {
  const topics: FetchRequest['topics'] = []
  for (const p of parts) {
    const topicId = p.topicId ?? ZERO_UUID
    let t = topics.at(-1)
    if (t === undefined || t.topic !== p.topic || t.topicId !== topicId) topics.push((t = { topic: p.topic, topicId, partitions: [] }))
    t.partitions.push({
      partition: p.partition, currentLeaderEpoch: -1, fetchOffset: p.offset ?? 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20,
    })
  }
  const forgottenTopicsData = forget.map((p) => ({ topic: p.topic, topicId: p.topicId ?? ZERO_UUID, partitions: [p.partition] }))
  return { replicaId, replicaState: { replicaId: -1, replicaEpoch: -1n }, sessionId, sessionEpoch, topics, forgottenTopicsData }
}

function partitionData(over: Partial<PartitionData> = {}): PartitionData {
  return {
    partitionIndex: -1, errorCode: 0, highWatermark: 0n, lastStableOffset: 0n, logStartOffset: 0n,
    divergingEpoch: { epoch: -1, endOffset: -1n }, currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 }, abortedTransactions: null, preferredReadReplica: -1, records: null,
    ...over,
  }
}

/** Kafka's FetchResponse.partitionResponse(partition, error): offsets unknown (-1). */
const errorData = (errorCode: number) => partitionData({ errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n })

/** A fake log per partition: what the handler would read. */
class Logs {
  readonly state = new Map<string, Partial<PartitionData>>()
  set(tp: TopicIdPartition, data: Partial<PartitionData>): void {
    this.state.set(partitionKey(tp), data)
  }
  answer(context: FetchContext): FetchSessionResponse {
    const results: PartitionResult[] = context.partitionsToFetch().map(({ tp }) => ({
      tp,
      data: tp.topic === null ? errorData(ErrorCode.UNKNOWN_TOPIC_ID) : partitionData(this.state.get(partitionKey(tp))),
    }))
    return context.buildResponse(results)
  }
}

const named = (r: FetchSessionResponse) => r.responses.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p.partitionIndex}`))
const tpOf = (topic: string, partition: number, topicId = ZERO_UUID): TopicIdPartition => ({ topicId, topic, partition })

let clock: ManualClock
let cache: FetchSessionCache
let manager: FetchManager
let logs: Logs
const noIds = () => undefined

beforeEach(() => {
  clock = new ManualClock()
  cache = new FetchSessionCache({ clock })
  manager = new FetchManager(cache)
  logs = new Logs()
})

/** Opens a session over a0, a1, b0 (v12) and returns its id. */
function open(version = 12): number {
  const r = logs.answer(manager.newContext(request(0, 0, [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }, { topic: 'b', partition: 0 }]), version, noIds))
  expect(r.sessionId).not.toBe(0)
  return r.sessionId
}

describe('FetchManager.newContext: full and sessionless fetches', () => {
  it('answers a sessionless fetch (epoch -1) with every partition, grouping consecutive ones per topic', () => {
    const ctx = manager.newContext(
      request(0, -1, [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }, { topic: 'b', partition: 0 }, { topic: 'a', partition: 2 }]), 6, noIds)
    expect(ctx.kind).toBe('sessionless')
    const r = logs.answer(ctx)
    expect([r.errorCode, r.sessionId]).toEqual([0, 0])
    expect(r.responses.map((t) => [t.topic, t.partitions.map((p) => p.partitionIndex)])).toEqual([['a', [0, 1]], ['b', [0]], ['a', [2]]])
    expect(cache.size).toBe(0)
  })

  it('opens a session on a full fetch (epoch 0) and answers every partition', () => {
    const ctx = manager.newContext(request(0, 0, [{ topic: 'a', partition: 0 }, { topic: 'b', partition: 0 }]), 12, noIds)
    expect(ctx.kind).toBe('full')
    const r = logs.answer(ctx)
    expect(named(r)).toEqual(['a-0', 'b-0'])
    const session = cache.get(r.sessionId)!
    expect([session.epoch, session.size, session.privileged]).toEqual([1, 2, false])
  })

  it('keeps one entry for a partition named twice, with the later request values', () => {
    const ctx = manager.newContext(request(0, 0, [{ topic: 'a', partition: 0, offset: 5n }, { topic: 'a', partition: 0, offset: 9n }]), 12, noIds)
    expect(ctx.partitionsToFetch().map((e) => e.params.fetchOffset)).toEqual([9n])
  })

  it('answers session id 0 when the cache has no room', () => {
    manager = new FetchManager(new FetchSessionCache({ clock, maxSlots: 0 }))
    expect(logs.answer(manager.newContext(request(0, 0, [{ topic: 'a', partition: 0 }]), 12, noIds)).sessionId).toBe(0)
  })

  it('closes a session named by a full fetch: epoch -1 leaves none, epoch 0 opens another', () => {
    const first = open()
    const replaced = logs.answer(manager.newContext(request(first, 0, [{ topic: 'a', partition: 0 }]), 12, noIds))
    expect(cache.get(first)).toBeUndefined()
    expect(replaced.sessionId).not.toBe(first)
    const closed = manager.newContext(request(replaced.sessionId, -1, [{ topic: 'a', partition: 0 }]), 12, noIds)
    expect(closed.kind).toBe('sessionless')
    expect(logs.answer(closed).sessionId).toBe(0)
    expect(cache.size).toBe(0)
    expect(logs.answer(manager.newContext(request(replaced.sessionId, 1, []), 12, noIds)).errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
  })

  it('marks sessions of followers (replica id >= 0; v15+ in ReplicaState) privileged', () => {
    const r = logs.answer(manager.newContext(request(0, 0, [{ topic: 'a', partition: 0 }], [], 1), 12, noIds))
    expect(cache.get(r.sessionId)!.privileged).toBe(true)
    const v15 = request(0, 0, [{ topic: 'a', partition: 0 }])
    v15.replicaState = { replicaId: 2, replicaEpoch: 5n }
    expect(cache.get(logs.answer(manager.newContext(v15, 15, noIds)).sessionId)!.privileged).toBe(true)
  })
})

describe('FetchManager.newContext: incremental fetches', () => {
  it('reads every session partition with its cached values and answers only the changed ones', async () => {
    logs.set(tpOf('a', 0), { highWatermark: 10n })
    logs.set(tpOf('a', 1), { highWatermark: 10n })
    const id = open()
    await clock.advance(500)
    logs.set(tpOf('a', 1), { highWatermark: 12n, records: Buffer.alloc(30, 1) })
    const ctx = manager.newContext(request(id, 1, []), 12, noIds)
    expect(ctx.kind).toBe('incremental')
    expect(ctx.partitionsToFetch().map((e) => `${e.tp.topic}-${e.tp.partition}`)).toEqual(['a-0', 'a-1', 'b-0'])
    const r = logs.answer(ctx)
    expect([r.errorCode, r.sessionId]).toEqual([0, id])
    expect(named(r)).toEqual(['a-1'])
    expect(cache.get(id)!.epoch).toBe(2)
    expect(cache.get(id)!.lastUsedMs).toBe(clock.now())
    logs.set(tpOf('a', 1), { highWatermark: 12n })
    expect(named(logs.answer(manager.newContext(request(id, 2, []), 12, noIds)))).toEqual([])
  })

  it('answers a partition whose log start offset changed, or that has a preferred replica or a diverging epoch', () => {
    const id = open()
    logs.set(tpOf('a', 0), { logStartOffset: 4n })
    logs.set(tpOf('a', 1), { preferredReadReplica: 3 })
    logs.set(tpOf('b', 0), { divergingEpoch: { epoch: 2, endOffset: 7n } })
    expect(named(logs.answer(manager.newContext(request(id, 1, []), 12, noIds)))).toEqual(['a-0', 'a-1', 'b-0'])
    logs.set(tpOf('a', 1), {})
    logs.set(tpOf('b', 0), {})
    expect(named(logs.answer(manager.newContext(request(id, 2, []), 12, noIds)))).toEqual([])
  })

  it('answers an errored partition again once the error is gone, even at the same high watermark', () => {
    logs.set(tpOf('a', 0), { highWatermark: 5n })
    const id = open()
    logs.set(tpOf('a', 0), { highWatermark: 5n, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER })
    expect(named(logs.answer(manager.newContext(request(id, 1, []), 12, noIds)))).toEqual(['a-0'])
    logs.set(tpOf('a', 0), { highWatermark: 5n })
    expect(named(logs.answer(manager.newContext(request(id, 2, []), 12, noIds)))).toEqual(['a-0'])
    expect(named(logs.answer(manager.newContext(request(id, 3, []), 12, noIds)))).toEqual([])
  })

  it('updates, adds and forgets partitions as the request says', () => {
    const id = open()
    const ctx = manager.newContext(request(id, 1, [{ topic: 'a', partition: 1, offset: 77n }, { topic: 'c', partition: 4, offset: 3n }], [{ topic: 'b', partition: 0 }]), 12, noIds)
    expect(ctx.partitionsToFetch().map((e) => [`${e.tp.topic}-${e.tp.partition}`, e.params.fetchOffset])).toEqual([
      ['a-0', 0n], ['a-1', 77n], ['c-4', 3n],
    ])
    expect(named(logs.answer(ctx))).toEqual(['c-4'])
    expect([cache.get(id)!.size, cache.totalPartitions]).toEqual([3, 3])
  })

  it('closes the session when the request forgets all its partitions', () => {
    const id = open()
    const ctx = manager.newContext(request(id, 1, [], [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }, { topic: 'b', partition: 0 }]), 12, noIds)
    expect(ctx.kind).toBe('sessionless')
    expect(logs.answer(ctx)).toEqual({ errorCode: 0, sessionId: 0, responses: [] })
    expect(cache.get(id)).toBeUndefined()
  })

  it('moves partitions that returned records to the end of the fetch order', () => {
    const id = open()
    logs.set(tpOf('a', 0), { records: Buffer.alloc(10) })
    logs.answer(manager.newContext(request(id, 1, []), 12, noIds))
    const next = manager.newContext(request(id, 2, []), 12, noIds)
    expect(next.partitionsToFetch().map((e) => `${e.tp.topic}-${e.tp.partition}`)).toEqual(['a-1', 'b-0', 'a-0'])
  })
})

describe('FetchManager.newContext: session errors', () => {
  it('answers FETCH_SESSION_ID_NOT_FOUND for an unknown session', () => {
    const ctx = manager.newContext(request(12345, 1, [{ topic: 'a', partition: 0 }]), 12, noIds)
    expect(ctx.kind).toBe('error')
    expect(ctx.partitionsToFetch()).toEqual([])
    expect(logs.answer(ctx)).toEqual({ errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] })
  })

  it('answers INVALID_FETCH_SESSION_EPOCH for a wrong epoch and leaves the session as it was', () => {
    const id = open()
    expect(logs.answer(manager.newContext(request(id, 2, []), 12, noIds))).toEqual({
      errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: 0, responses: [],
    })
    expect(cache.get(id)!.epoch).toBe(1)
    expect(logs.answer(manager.newContext(request(id, 1, []), 12, noIds)).errorCode).toBe(0)
    expect(logs.answer(manager.newContext(request(id, 1, []), 12, noIds)).errorCode).toBe(ErrorCode.INVALID_FETCH_SESSION_EPOCH)
  })

  it('refuses the older of two overlapping requests of one session when it answers', () => {
    const id = open()
    const first = manager.newContext(request(id, 1, []), 12, noIds)
    const second = manager.newContext(request(id, 2, []), 12, noIds)
    expect(logs.answer(second).errorCode).toBe(0)
    expect(logs.answer(first)).toEqual({ errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: id, responses: [] })
  })

  it('answers FETCH_SESSION_TOPIC_ID_ERROR when the version disagrees with the session about topic ids', () => {
    const byName = open(12)
    expect(logs.answer(manager.newContext(request(byName, 1, []), 13, noIds)).errorCode).toBe(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR)
    const byId = open(13)
    expect(logs.answer(manager.newContext(request(byId, 1, []), 12, noIds)).errorCode).toBe(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR)
  })
})

describe('FetchManager.newContext: topic ids (v13+)', () => {
  it('names partitions by id, leaves unknown ids unnamed and names them once the topic exists', () => {
    const known = randomUuid()
    const later = randomUuid()
    const names = new Map([[known, 'orders']])
    const resolve = (id: string) => names.get(id)
    const full = manager.newContext(request(0, 0, [{ topic: '', topicId: known, partition: 0 }, { topic: '', topicId: later, partition: 0 }]), 13, resolve)
    expect(full.partitionsToFetch().map((e) => e.tp)).toEqual([tpOf('orders', 0, known), { topicId: later, topic: null, partition: 0 }])
    const r = logs.answer(full)
    expect(r.responses.map((t) => [t.topicId, t.topic, t.partitions[0]!.errorCode])).toEqual([
      [known, 'orders', 0], [later, '', ErrorCode.UNKNOWN_TOPIC_ID],
    ])
    names.set(later, 'payments')
    const inc = manager.newContext(request(r.sessionId, 1, []), 13, resolve)
    expect(inc.partitionsToFetch().map((e) => e.tp.topic)).toEqual(['orders', 'payments'])
    // Its error answer carried high watermark -1, so the partition's real one is news.
    expect(logs.answer(inc).responses.map((t) => t.topic)).toEqual(['payments'])
  })

  it('forgets a partition by topic id even when the name is unknown', () => {
    const gone = randomUuid()
    const stays = randomUuid()
    const resolve = (id: string) => (id === stays ? 'stays' : undefined)
    const r = logs.answer(manager.newContext(request(0, 0, [{ topic: '', topicId: gone, partition: 0 }, { topic: '', topicId: stays, partition: 1 }]), 13, resolve))
    const inc = manager.newContext(request(r.sessionId, 1, [], [{ topic: '', topicId: gone, partition: 0 }]), 13, resolve)
    expect(inc.partitionsToFetch().map((e) => e.tp)).toEqual([tpOf('stays', 1, stays)])
  })
})
