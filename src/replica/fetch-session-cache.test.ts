import { describe, expect, it } from 'vitest'
import { ZERO_UUID } from '../protocol/primitives/uuid.js'
import { ManualClock } from '../storage/clock.js'
import { FetchSessionCache, FETCH_SESSION_EVICTION_MS } from './fetch-session-cache.js'
import { CachedPartition, INVALID_SESSION_ID, nextEpoch, type FetchSession } from './fetch-session.js'

const params = { fetchOffset: 0n, logStartOffset: -1n, maxBytes: 1024, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }

function fill(n: number) {
  return (session: FetchSession) => {
    for (let p = 0; p < n; p++) session.partitions.set(`n t:${p}`, new CachedPartition({ topicId: ZERO_UUID, topic: 't', partition: p }, params))
  }
}

function setup(maxSlots: number) {
  const clock = new ManualClock()
  const cache = new FetchSessionCache({ clock, maxSlots })
  const create = (size: number, privileged = false) => cache.maybeCreateSession(privileged, size, false, fill(size))
  const use = (id: number) => cache.touch(cache.get(id)!, clock.now())
  return { clock, cache, create, use }
}

describe('nextEpoch', () => {
  it('counts from 1, wraps to 1 after 2^31-1 and keeps -1 final', () => {
    expect([nextEpoch(0), nextEpoch(1), nextEpoch(0x7fffffff), nextEpoch(-1), nextEpoch(-5)]).toEqual([1, 2, 1, -1, -1])
  })
})

describe('FetchSessionCache', () => {
  it('creates sessions with positive ids at epoch 1 and counts their partitions', () => {
    const { cache, create } = setup(10)
    const a = create(3)
    const b = create(2)
    expect(a).toBeGreaterThan(0)
    expect(b).not.toBe(a)
    expect(cache.get(a)!.epoch).toBe(1)
    expect([cache.size, cache.totalPartitions]).toEqual([2, 5])
    cache.remove(a)
    expect([cache.size, cache.totalPartitions]).toEqual([1, 2])
  })

  it('draws a new id when the random one is taken', () => {
    const clock = new ManualClock()
    const draws = [7, 7, 9]
    const cache = new FetchSessionCache({ clock, random: () => draws.shift()! })
    expect(cache.maybeCreateSession(false, 1, false, fill(1))).toBe(7)
    expect(cache.maybeCreateSession(false, 1, false, fill(1))).toBe(9)
  })

  it('opens no session when max.incremental.fetch.session.cache.slots is 0', () => {
    const { cache, create } = setup(0)
    expect(create(5)).toBe(INVALID_SESSION_ID)
    expect(cache.size).toBe(0)
  })

  it('refuses a newcomer when every session is young and in use', async () => {
    const { cache, create, clock } = setup(2)
    create(5)
    create(5)
    await clock.advance(1000)
    expect(create(50)).toBe(INVALID_SESSION_ID)
    expect([cache.size, cache.evictions]).toEqual([2, 0])
  })

  it('evicts the least recently used session once it has been idle longer than the eviction time', async () => {
    const { cache, create, use, clock } = setup(2)
    const a = create(5)
    const b = create(5)
    await clock.advance(10_000)
    use(a)
    await clock.advance(FETCH_SESSION_EVICTION_MS - 9_000)
    const c = create(1)
    expect(c).not.toBe(INVALID_SESSION_ID)
    expect(cache.get(b)).toBeUndefined()
    expect(cache.get(a)).toBeDefined()
    expect(cache.evictions).toBe(1)
  })

  it('lets a larger session evict the smallest old one, and never an equal one', async () => {
    const { cache, create, use, clock } = setup(2)
    const a = create(2)
    const b = create(3)
    await clock.advance(FETCH_SESSION_EVICTION_MS + 1)
    use(a)
    use(b)
    expect(create(2)).toBe(INVALID_SESSION_ID)
    const c = create(3)
    expect(c).not.toBe(INVALID_SESSION_ID)
    expect(cache.get(a)).toBeUndefined()
    // b (3 partitions, old) is the only candidate: c is young. A newcomer of 3 does not beat it.
    expect(create(3)).toBe(INVALID_SESSION_ID)
    expect(create(4)).not.toBe(INVALID_SESSION_ID)
    expect(cache.get(b)).toBeUndefined()
    expect(cache.get(c)).toBeDefined()
  })

  it('judges a session evictable as of its last use, as Kafka does', async () => {
    const { cache, create, use, clock } = setup(1)
    const a = create(1)
    await clock.advance(FETCH_SESSION_EVICTION_MS - 20_000)
    use(a)
    await clock.advance(50_000)
    // a is older than the eviction time now, but was young when last used, and is not idle long enough.
    expect(create(10)).toBe(INVALID_SESSION_ID)
    use(a)
    expect(create(10)).not.toBe(INVALID_SESSION_ID)
    expect(cache.get(a)).toBeUndefined()
  })

  it('lets a privileged (follower) session evict a young unprivileged one, but not the reverse', async () => {
    const { cache, create, clock } = setup(1)
    const consumer = create(10)
    const follower = create(1, true)
    expect(follower).not.toBe(INVALID_SESSION_ID)
    expect(cache.get(consumer)).toBeUndefined()
    await clock.advance(1000)
    expect(create(100)).toBe(INVALID_SESSION_ID)
    expect(cache.get(follower)!.privileged).toBe(true)
  })
})
