/**
 * A classic group's membership and generation state, as Kafka's ClassicGroup keeps it: members
 * by id, static members by group instance id, members pending their first join (given an id
 * with MEMBER_ID_REQUIRED) and pending sync, how many members support each protocol, the
 * selected protocol, the leader. The rebalance logic that drives it lives in rebalance.ts.
 */
import { randomUUID } from 'node:crypto'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { JoinGroupResponse, JoinGroupResponseMember } from '../../protocol/generated/join-group.js'
import type { SyncGroupResponse } from '../../protocol/generated/sync-group.js'
import { GroupState, isLegalTransition, legalPreviousStates } from './group-state.js'
import { ClassicMember } from './member.js'
import type { GroupProtocol, JoinWaiter } from './member.js'
import { joinError, syncError } from './responses.js'
import { CONSUMER_PROTOCOL_TYPE, subscribedTopicsOf } from './subscription.js'

/** What a GroupMetadata record restores besides the members. */
export interface GroupInit {
  readonly state: GroupState
  readonly generationId: number
  readonly protocolType: string | null
  readonly protocolName: string | null
  readonly leaderId: string | null
  /** When the group entered its state; null when the record did not say (old record versions). */
  readonly stateTimestamp: number | null
}

export class ClassicGroup {
  readonly groupId: string
  readonly #now: () => number
  #state: GroupState
  #previousState: GroupState = GroupState.Dead
  #stateTimestamp: number | null
  protocolType: string | null
  protocolName: string | null
  generationId: number
  #leaderId: string | null
  readonly #members = new Map<string, ClassicMember>()
  /** group instance id → member id */
  readonly #staticMembers = new Map<string, string>()
  readonly #pendingJoin = new Set<string>()
  readonly #pendingSync = new Set<string>()
  /** protocol name → number of members offering it; a protocol all members offer is a candidate. */
  readonly #protocolSupport = new Map<string, number>()
  #awaitingJoin = 0
  #subscribedTopics: ReadonlySet<string> | null = null
  /** Set when a member joins during the initial rebalance, which then waits one more delay. */
  newMemberAdded = false

  constructor(groupId: string, now: () => number, init?: GroupInit) {
    this.groupId = groupId
    this.#now = now
    this.#state = init?.state ?? GroupState.Empty
    this.#stateTimestamp = init ? init.stateTimestamp : now()
    this.protocolType = init?.protocolType ?? null
    this.protocolName = init?.protocolName ?? null
    this.generationId = init?.generationId ?? 0
    this.#leaderId = init?.leaderId ?? null
  }

  get state(): GroupState {
    return this.#state
  }

  get previousState(): GroupState {
    return this.#previousState
  }

  /** -1 when unknown, as the GroupMetadata record writes it. */
  get stateTimestamp(): number {
    return this.#stateTimestamp ?? -1
  }

  get leaderId(): string | null {
    return this.#leaderId
  }

  get size(): number {
    return this.#members.size
  }

  get members(): IterableIterator<ClassicMember> {
    return this.#members.values()
  }

  get numAwaitingJoin(): number {
    return this.#awaitingJoin
  }

  is(state: GroupState): boolean {
    return this.#state === state
  }

  member(memberId: string): ClassicMember | undefined {
    return this.#members.get(memberId)
  }

  hasMember(memberId: string): boolean {
    return this.#members.has(memberId)
  }

  isLeader(memberId: string): boolean {
    return this.#leaderId === memberId
  }

  transitionTo(state: GroupState): void {
    if (!isLegalTransition(this.#state, state)) {
      throw new Error(`group ${this.groupId} cannot move from ${this.#state} to ${state}`)
    }
    this.#previousState = this.#state
    this.#state = state
    this.#stateTimestamp = this.#now()
  }

  canRebalance(): boolean {
    return legalPreviousStates[GroupState.PreparingRebalance].includes(this.#state)
  }

  add(member: ClassicMember, joinWaiter: JoinWaiter | null = null): void {
    if (member.groupInstanceId !== null) {
      if (this.#staticMembers.has(member.groupInstanceId)) {
        throw new Error(`static member ${member.groupInstanceId} is already in group ${this.groupId}`)
      }
      this.#staticMembers.set(member.groupInstanceId, member.memberId)
    }
    if (this.#members.size === 0) this.protocolType = member.protocolType
    if (this.protocolType !== member.protocolType) throw new Error('member and group protocol types differ')
    this.#leaderId ??= member.memberId
    this.#members.set(member.memberId, member)
    this.#count(member.protocols, 1)
    member.joinWaiter = joinWaiter
    if (joinWaiter) this.#awaitingJoin++
    this.#pendingJoin.delete(member.memberId)
  }

  remove(memberId: string): void {
    const member = this.#members.get(memberId)
    if (member) {
      this.#members.delete(memberId)
      this.#count(member.protocols, -1)
      if (member.isAwaitingJoin) this.#awaitingJoin--
      if (member.groupInstanceId !== null) this.#staticMembers.delete(member.groupInstanceId)
    }
    if (this.#leaderId === memberId) this.#leaderId = this.#members.keys().next().value ?? null
    this.#pendingJoin.delete(memberId)
    this.#pendingSync.delete(memberId)
  }

  /** Keeps the leader if it rejoined, else picks a rejoined member; false when nobody rejoined. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.#leaderId === null) return false
    if (this.#members.get(this.#leaderId)?.isAwaitingJoin) return true
    for (const member of this.#members.values()) {
      if (member.isAwaitingJoin) {
        this.#leaderId = member.memberId
        return true
      }
    }
    return false
  }

  /**
   * A static member came back with a new member id: the old id's parked requests are fenced and
   * the member continues under the new id with everything else kept.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicMember {
    const old = this.#members.get(oldMemberId)
    if (!old) throw new Error(`cannot replace unknown member ${oldMemberId}`)
    this.completeJoin(old, joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID))
    this.completeSync(old, syncError(ErrorCode.FENCED_INSTANCE_ID))
    this.#members.delete(oldMemberId)
    const replacement = new ClassicMember({ ...old, memberId: newMemberId })
    this.#members.set(newMemberId, replacement)
    if (this.#leaderId === oldMemberId) this.#leaderId = newMemberId
    this.#staticMembers.set(groupInstanceId, newMemberId)
    return replacement
  }

  isPendingMember(memberId: string): boolean {
    return this.#pendingJoin.has(memberId)
  }

  addPendingMember(memberId: string): void {
    if (this.#members.has(memberId)) throw new Error(`pending member ${memberId} is already a member`)
    this.#pendingJoin.add(memberId)
  }

  addPendingSyncMember(memberId: string): void {
    this.#pendingSync.add(memberId)
  }

  removePendingSyncMember(memberId: string): void {
    this.#pendingSync.delete(memberId)
  }

  clearPendingSyncMembers(): void {
    this.#pendingSync.clear()
  }

  get pendingSyncMembers(): readonly string[] {
    return [...this.#pendingSync]
  }

  hasReceivedSyncFromAllMembers(): boolean {
    return this.#pendingSync.size === 0
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.#staticMembers.get(groupInstanceId)
  }

  notYetRejoinedMembers(): ClassicMember[] {
    return [...this.#members.values()].filter((m) => !m.isAwaitingJoin)
  }

  hasAllMembersJoined(): boolean {
    return this.#members.size === this.#awaitingJoin && this.#pendingJoin.size === 0
  }

  /** The group waits as long as its most patient member allows. */
  rebalanceTimeoutMs(): number {
    let max = 0
    for (const m of this.#members.values()) max = Math.max(max, m.rebalanceTimeoutMs)
    return max
  }

  generateMemberId(clientId: string, groupInstanceId: string | null): string {
    return `${groupInstanceId ?? clientId}-${randomUUID()}`
  }

  /**
   * Kafka's member check: a given group instance id must exist and map to this member id
   * (else UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID), and the member id must be in the group.
   */
  validateMember(memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const existing = this.#staticMembers.get(groupInstanceId)
      if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
      if (existing !== memberId) return ErrorCode.FENCED_INSTANCE_ID
    }
    return this.#members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID
  }

  /** Each member votes for its most preferred protocol that every member supports; most votes wins. */
  selectProtocol(): string {
    const candidates = new Set<string>()
    for (const [name, count] of this.#protocolSupport) if (count === this.#members.size) candidates.add(name)
    const votes = new Map<string, number>()
    for (const member of this.#members.values()) {
      const choice = member.vote(candidates)
      votes.set(choice, (votes.get(choice) ?? 0) + 1)
    }
    let best: string | undefined
    let bestVotes = 0
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name
        bestVotes = count
      }
    }
    if (best === undefined) throw new Error(`cannot select a protocol for empty group ${this.groupId}`)
    return best
  }

  /** An empty group takes any non-empty protocol type with protocols; otherwise type and one common protocol must match. */
  supportsProtocols(protocolType: string, protocols: readonly GroupProtocol[]): boolean {
    if (this.#state === GroupState.Empty) return protocolType !== '' && protocols.length > 0
    return (
      this.protocolType === protocolType &&
      protocols.some((p) => (this.#protocolSupport.get(p.name) ?? 0) === this.#members.size)
    )
  }

  get usesConsumerProtocol(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE
  }

  /**
   * Whether the group consumes `topic`. When the subscriptions are unknown (not yet computed or
   * unreadable), a consumer group counts as subscribed to everything, any other group to nothing.
   */
  isSubscribedToTopic(topic: string): boolean {
    return this.#subscribedTopics ? this.#subscribedTopics.has(topic) : this.usesConsumerProtocol
  }

  get subscribedTopics(): ReadonlySet<string> | null {
    return this.#subscribedTopics
  }

  refreshSubscribedTopics(): void {
    this.#subscribedTopics = this.#computeSubscribedTopics()
  }

  #computeSubscribedTopics(): ReadonlySet<string> | null {
    if (!this.usesConsumerProtocol) return null
    if (this.#members.size === 0) return new Set()
    if (this.protocolName === null) return null
    const topics = new Set<string>()
    for (const member of this.#members.values()) {
      const subscribed = member.supports(this.protocolName) ? subscribedTopicsOf(member.metadata(this.protocolName)) : null
      if (subscribed === null) return null
      for (const t of subscribed) topics.add(t)
    }
    return topics
  }

  updateMember(
    member: ClassicMember,
    protocols: readonly GroupProtocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    joinWaiter: JoinWaiter | null,
  ): void {
    this.#count(member.protocols, -1)
    member.protocols = protocols
    this.#count(protocols, 1)
    member.rebalanceTimeoutMs = rebalanceTimeoutMs
    member.sessionTimeoutMs = sessionTimeoutMs
    if (joinWaiter && !member.isAwaitingJoin) this.#awaitingJoin++
    else if (!joinWaiter && member.isAwaitingJoin) this.#awaitingJoin--
    member.joinWaiter = joinWaiter && member.joinWaiter ? bothWaiters(member.joinWaiter, joinWaiter) : joinWaiter
  }

  /** Answers the member's parked JoinGroup, if any. */
  completeJoin(member: ClassicMember, response: JoinGroupResponse): boolean {
    const waiter = member.joinWaiter
    if (!waiter) return false
    member.joinWaiter = null
    this.#awaitingJoin--
    waiter(response)
    return true
  }

  completeSync(member: ClassicMember, response: SyncGroupResponse): boolean {
    const waiter = member.syncWaiter
    if (!waiter) return false
    member.syncWaiter = null
    waiter(response)
    return true
  }

  /** Answers every parked request with `errorCode` (the group is going away). */
  failAllWaiters(errorCode: number): void {
    for (const member of this.#members.values()) {
      this.completeJoin(member, joinError(member.memberId, errorCode))
      this.completeSync(member, syncError(errorCode))
    }
  }

  initNextGeneration(): void {
    this.generationId++
    if (this.#members.size > 0) {
      this.protocolName = this.selectProtocol()
      this.refreshSubscribedTopics()
      this.transitionTo(GroupState.CompletingRebalance)
    } else {
      this.protocolName = null
      this.refreshSubscribedTopics()
      this.transitionTo(GroupState.Empty)
    }
    this.#pendingSync.clear()
  }

  /** The member list the leader's JoinGroup response carries: each member's metadata for the selected protocol. */
  joinResponseMembers(): JoinGroupResponseMember[] {
    const protocol = this.protocolName
    if (protocol === null || this.is(GroupState.PreparingRebalance) || this.is(GroupState.Dead)) {
      throw new Error(`group ${this.groupId} has no member metadata in state ${this.#state}`)
    }
    return [...this.#members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadata(protocol),
    }))
  }

  assignments(): Map<string, Buffer> {
    return new Map([...this.#members.values()].map((m) => [m.memberId, m.assignment]))
  }

  #count(protocols: readonly GroupProtocol[], delta: number): void {
    for (const p of protocols) this.#protocolSupport.set(p.name, (this.#protocolSupport.get(p.name) ?? 0) + delta)
  }
}

/**
 * A member that sends a second JoinGroup (or SyncGroup) while one is parked gets the same answer
 * on both: Kafka forgets the first, but an unanswered request would hold up every later response
 * on its connection.
 */
export function bothWaiters<R>(first: (response: R) => void, second: (response: R) => void): (response: R) => void {
  return (response) => {
    first(response)
    second(response)
  }
}
