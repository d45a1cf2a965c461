/**
 * One member of a classic group: who it is, the protocols it offered (name + opaque metadata,
 * in its order of preference), the assignment bytes the leader gave it, and the JoinGroup or
 * SyncGroup it has parked, as a function that answers it.
 */
import type { JoinGroupResponse } from '../../protocol/generated/join-group.js'
import type { SyncGroupResponse } from '../../protocol/generated/sync-group.js'
import { EMPTY_BUFFER } from '../../protocol/primitives/reader.js'

export interface GroupProtocol {
  readonly name: string
  readonly metadata: Buffer
}

export type JoinWaiter = (response: JoinGroupResponse) => void
export type SyncWaiter = (response: SyncGroupResponse) => void

export interface MemberInit {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly rebalanceTimeoutMs: number
  readonly sessionTimeoutMs: number
  readonly protocolType: string
  readonly protocols: readonly GroupProtocol[]
  readonly assignment?: Buffer
}

export class ClassicMember {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly protocolType: string
  rebalanceTimeoutMs: number
  sessionTimeoutMs: number
  protocols: readonly GroupProtocol[]
  assignment: Buffer
  /** Joined but not yet through a completed join phase: its session cannot be kept alive by waiting. */
  isNew = false
  /** Set and cleared by the group, which counts members awaiting a join response. */
  joinWaiter: JoinWaiter | null = null
  syncWaiter: SyncWaiter | null = null

  constructor(init: MemberInit) {
    this.memberId = init.memberId
    this.groupInstanceId = init.groupInstanceId
    this.clientId = init.clientId
    this.clientHost = init.clientHost
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs
    this.sessionTimeoutMs = init.sessionTimeoutMs
    this.protocolType = init.protocolType
    this.protocols = init.protocols
    this.assignment = init.assignment ?? EMPTY_BUFFER
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null
  }

  get isAwaitingJoin(): boolean {
    return this.joinWaiter !== null
  }

  get isAwaitingSync(): boolean {
    return this.syncWaiter !== null
  }

  /**
   * Kafka's rule for a heartbeat deadline passing: a new member is dropped; a member parked in
   * JoinGroup or SyncGroup is alive (its client is waiting on us); anyone else missed it.
   */
  get hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return false
    return this.isAwaitingJoin || this.isAwaitingSync
  }

  /** Same protocols, same order, same metadata bytes: a rejoin that changes nothing. */
  matches(protocols: readonly GroupProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false
    return protocols.every((p, i) => {
      const mine = this.protocols[i]
      return mine !== undefined && mine.name === p.name && mine.metadata.equals(p.metadata)
    })
  }

  /** The member's most preferred protocol among the candidates. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name))
    if (choice === undefined) throw new Error(`member ${this.memberId} supports none of the candidate protocols`)
    return choice.name
  }

  metadata(protocolName: string): Buffer {
    const protocol = this.protocols.find((p) => p.name === protocolName)
    if (protocol === undefined) throw new Error(`member ${this.memberId} does not support protocol ${protocolName}`)
    return protocol.metadata
  }

  supports(protocolName: string): boolean {
    return this.protocols.some((p) => p.name === protocolName)
  }
}
