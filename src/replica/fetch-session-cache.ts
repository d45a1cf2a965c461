/**
 * The broker's fetch sessions, bounded by max.incremental.fetch.session.cache.slots, with
 * Kafka's eviction rule (FetchSessionCacheShard.tryEvict). A new session may take the place
 * of an existing one when:
 *   1. the oldest-used session has been idle longer than the eviction time (120 s), or else
 *   2. the least valuable evictable session is worth less than the new one: unprivileged
 *      before privileged, then fewer partitions, then lower id; a session is evictable by
 *      any newcomer once older than the eviction time, and by a privileged (follower)
 *      newcomer whenever it is unprivileged. Candidacy is judged when a session is touched.
 * Kafka splits its cache into 8 shards of slots/8 each; Brook keeps one of all the slots.
 *
 * The fetch contexts built on this cache, and the request-level API, are in fetch-manager.ts.
 */
import { randomInt } from 'node:crypto'
import type { Clock } from '../storage/clock.js'
import { FetchSession, INVALID_SESSION_ID } from './fetch-session.js'

export interface FetchSessionCacheOptions {
  /** max.incremental.fetch.session.cache.slots (Kafka default 1000; 0 disables sessions). */
  maxSlots?: number
  /** Kafka's MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS (a constant there, not a config). */
  evictionMs?: number
  clock: Clock
  /** A random integer in [min, max): session ids. Injectable for tests. */
  random?: (min: number, max: number) => number
}

export const DEFAULT_FETCH_SESSION_SLOTS = 1000
export const FETCH_SESSION_EVICTION_MS = 120_000
const MAX_SESSION_ID = 0x7fffffff

/** Kafka's EvictableKey: sessions compare by (privileged, size, id), unprivileged first. */
interface EvictableKey {
  privileged: boolean
  size: number
  id: number
}

function evictableKey(s: FetchSession): EvictableKey {
  return { privileged: s.privileged, size: s.cachedSize, id: s.id }
}

function compareEvictable(a: EvictableKey, b: EvictableKey): number {
  if (a.privileged !== b.privileged) return a.privileged ? 1 : -1
  if (a.size !== b.size) return a.size - b.size
  return a.id - b.id
}

export class FetchSessionCache {
  readonly clock: Clock
  readonly #maxSlots: number
  readonly #evictionMs: number
  readonly #random: (min: number, max: number) => number
  readonly #sessions = new Map<number, FetchSession>()
  #partitions = 0
  #evictions = 0

  constructor(opts: FetchSessionCacheOptions) {
    this.clock = opts.clock
    this.#maxSlots = opts.maxSlots ?? DEFAULT_FETCH_SESSION_SLOTS
    this.#evictionMs = opts.evictionMs ?? FETCH_SESSION_EVICTION_MS
    this.#random = opts.random ?? randomInt
  }

  get(id: number): FetchSession | undefined {
    return this.#sessions.get(id)
  }

  /** Sessions cached (Kafka's NumIncrementalFetchSessions). */
  get size(): number {
    return this.#sessions.size
  }

  /** Partitions over all sessions (NumIncrementalFetchPartitionsCached). */
  get totalPartitions(): number {
    return this.#partitions
  }

  /** Sessions evicted so far (IncrementalFetchSessionEvictionsPerSec counts these). */
  get evictions(): number {
    return this.#evictions
  }

  /**
   * Creates a session of `size` partitions if there is room or room can be made; `fill`
   * puts its partitions in. Returns the new id, or INVALID_SESSION_ID.
   */
  maybeCreateSession(privileged: boolean, size: number, usesTopicIds: boolean, fill: (session: FetchSession) => void): number {
    const now = this.clock.now()
    if (this.#sessions.size >= this.#maxSlots && !this.#tryEvict(privileged, size, now)) return INVALID_SESSION_ID
    const session = new FetchSession(this.#newSessionId(), privileged, usesTopicIds, now)
    fill(session)
    this.#sessions.set(session.id, session)
    this.touch(session, now)
    return session.id
  }

  remove(id: number): FetchSession | undefined {
    const session = this.#sessions.get(id)
    if (session === undefined) return undefined
    this.#sessions.delete(id)
    this.#partitions -= session.cachedSize
    session.cachedSize = -1
    return session
  }

  /** Records a use of `session` and places it again for eviction (after its partitions changed). */
  touch(session: FetchSession, now: number): void {
    session.lastUsedMs = now
    if (session.cachedSize !== -1) this.#partitions -= session.cachedSize
    session.cachedSize = session.size
    this.#partitions += session.cachedSize
    const old = now - session.creationMs > this.#evictionMs
    session.evictableByAll = old
    session.evictableByPrivileged = !session.privileged || old
  }

  #newSessionId(): number {
    for (;;) {
      const id = this.#random(1, MAX_SESSION_ID)
      if (id !== INVALID_SESSION_ID && !this.#sessions.has(id)) return id
    }
  }

  #tryEvict(privileged: boolean, size: number, now: number): boolean {
    let leastRecent: FetchSession | undefined
    for (const s of this.#sessions.values())
      if (
        leastRecent === undefined ||
        s.lastUsedMs < leastRecent.lastUsedMs ||
        (s.lastUsedMs === leastRecent.lastUsedMs && s.id < leastRecent.id)
      )
        leastRecent = s
    if (leastRecent === undefined) return false
    if (now - leastRecent.lastUsedMs > this.#evictionMs) return this.#evict(leastRecent)
    let cheapest: FetchSession | undefined
    for (const s of this.#sessions.values()) {
      if (!(privileged ? s.evictableByPrivileged : s.evictableByAll)) continue
      if (cheapest === undefined || compareEvictable(evictableKey(s), evictableKey(cheapest)) < 0) cheapest = s
    }
    if (cheapest === undefined || compareEvictable({ privileged, size, id: 0 }, evictableKey(cheapest)) < 0) return false
    return this.#evict(cheapest)
  }

  #evict(session: FetchSession): true {
    this.remove(session.id)
    this.#evictions++
    return true
  }
}
