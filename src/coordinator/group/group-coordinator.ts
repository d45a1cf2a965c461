/**
 * Kafka's classic group coordinator for the __consumer_offsets partitions this broker leads.
 * Handlers call the methods below with decoded requests and send what they return. Every
 * operation first checks the group id and that the group's partition is loaded
 * (COORDINATOR_LOAD_IN_PROGRESS while it is replayed, NOT_COORDINATOR when it is not ours).
 */
import type { Logger } from '../../log.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { DeletableGroupResult } from '../../protocol/generated/delete-groups.js'
import type { HeartbeatRequest, HeartbeatResponse } from '../../protocol/generated/heartbeat.js'
import type { JoinGroupRequest, JoinGroupResponse } from '../../protocol/generated/join-group.js'
import type { LeaveGroupResponse, MemberIdentity } from '../../protocol/generated/leave-group.js'
import type { ListGroupsResponse } from '../../protocol/generated/list-groups.js'
import type { OffsetCommitRequest, OffsetCommitResponse } from '../../protocol/generated/offset-commit.js'
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../../protocol/generated/offset-delete.js'
import type { OffsetFetchResponseGroup } from '../../protocol/generated/offset-fetch.js'
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/generated/sync-group.js'
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../../protocol/generated/txn-offset-commit.js'
import type { Clock, Scheduler } from '../../storage/clock.js'
import type { ReplayedEntry } from '../coordinator-log.js'
import { deleteGroup, describeGroup, listGroups } from './admin.js'
import type { GroupDescription } from './admin.js'
import type { ClassicGroup } from './classic-group.js'
import { DEFAULT_GROUP_COORDINATOR_CONFIG } from './config.js'
import type { GroupCoordinatorConfig } from './config.js'
import type { CoordinatorContext } from './context.js'
import { expireOffsets } from './expiration.js'
import { OrderedAppends } from './group-log.js'
import type { GroupLog } from './group-log.js'
import { GroupState } from './group-state.js'
import { heartbeat } from './heartbeat.js'
import { joinGroup } from './join.js'
import type { JoinClient } from './join.js'
import { KeyedTimers, timerKey } from './keyed-timers.js'
import { leaveGroup } from './leave.js'
import { OffsetStore } from './offset-store.js'
import { commitOffsets, deleteOffsets, fetchOffsets } from './offsets.js'
import type { FetchTopics, TopicLookup } from './offsets.js'
import { partitionForGroup } from './partition-for-group.js'
import type { GroupLogRecord } from './records.js'
import { activateLoadedGroups, replayRecord } from './replay.js'
import { joinError, syncError } from './responses.js'
import { syncGroup } from './sync.js'
import { OFFSETS_TOPIC } from './partition-group-log.js'
import { TxnOffsetStore, commitTxnOffsets, replayTxnRecord, settleTxnOffsets } from './txn-offsets.js'
import type { TxnVerification } from './txn-offsets.js'

export interface GroupCoordinatorOptions {
  readonly config?: Partial<GroupCoordinatorConfig>
  readonly clock: Clock
  readonly scheduler: Scheduler
  readonly log: Logger
  /** Where records go: the __consumer_offsets partitions. */
  readonly groupLog: GroupLog
  /** Which topic partitions exist, for OffsetCommit. */
  readonly topics: TopicLookup
  /**
   * Makes the coordinator serve, the first time a client looks for it: the broker creates
   * __consumer_offsets and loads its partitions. Without it the owner loads partitions itself.
   */
  readonly activate?: () => Promise<void>
  /**
   * KIP-890 for TxnOffsetCommit: whether the group's __consumer_offsets partition is in the
   * producer's ongoing transaction (the transaction coordinator's answer, NONE when it is).
   * Without it transactional commits are not checked.
   */
  readonly verifyTransaction?: TxnVerification
}

/** What a partition's replay yields: plain records (tests), or records and markers read from the log. */
export type GroupReplayItem = GroupLogRecord | ReplayedEntry

/** APIs that accept an empty group id (Kafka keeps them working for it); the rest answer INVALID_GROUP_ID. */
type GroupIdRule = 'non-empty' | 'any'

/** A group id must fit the int16-length string of the record keys it is written under. */
const MAX_GROUP_ID_BYTES = 32_767

export class GroupCoordinator {
  readonly config: GroupCoordinatorConfig
  readonly #ctx: CoordinatorContext
  readonly #timers: KeyedTimers
  readonly #appends: OrderedAppends
  readonly #topics: TopicLookup
  readonly #verifyTransaction: TxnVerification | undefined
  /** Partitions this coordinator serves: being replayed, or loaded. */
  readonly #partitions = new Map<number, 'loading' | 'loaded'>()
  /** Markers written while their partition was being replayed, applied once it is loaded. */
  readonly #markersWhileLoading = new Map<number, { producerId: number; commit: boolean }[]>()
  readonly #stopExpiration: () => void
  readonly #activate: () => Promise<void>
  #activation: Promise<void> | undefined

  constructor(options: GroupCoordinatorOptions) {
    const config = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...options.config }
    this.config = config
    this.#timers = new KeyedTimers(options.scheduler)
    this.#appends = new OrderedAppends(options.groupLog)
    this.#topics = options.topics
    this.#verifyTransaction = options.verifyTransaction
    this.#activate = options.activate ?? (() => Promise.resolve())
    const partitionFor = (groupId: string): number => partitionForGroup(groupId, config.offsetsTopicPartitions)
    this.#ctx = {
      config,
      now: () => options.clock.now(),
      timers: this.#timers,
      log: options.log,
      groups: new Map(),
      offsets: new OffsetStore(),
      txnOffsets: new TxnOffsetStore(),
      write: (groupId, records, transactional) => this.#appends.append(partitionFor(groupId), records, transactional),
      written: (groupId) => this.#appends.idle(partitionFor(groupId)),
    }
    this.#stopExpiration = options.scheduler.every(config.offsetsRetentionCheckIntervalMs, () => this.expireOffsets())
  }

  /** The __consumer_offsets partition that holds the group (FindCoordinator answers with its leader). */
  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.config.offsetsTopicPartitions)
  }

  /**
   * Resolves once the coordinator has been activated (FindCoordinator waits for it, so the first
   * group of a new broker needs no retry). A failed activation is tried again on the next call.
   */
  ready(): Promise<void> {
    this.#activation ??= this.#activate().catch((err: unknown) => {
      this.#activation = undefined
      throw err
    })
    return this.#activation
  }

  /** Whether this coordinator has taken the partition (loading or loaded). */
  ownsPartition(partition: number): boolean {
    return this.#partitions.has(partition)
  }

  /**
   * Takes over a partition: requests for its groups get COORDINATOR_LOAD_IN_PROGRESS while its
   * records are replayed, then are served. Records of types this coordinator does not know
   * (KIP-848 groups) are skipped. Offsets of transactional batches wait for their producer's
   * marker (COMMIT applies them, ABORT drops them); those with no marker yet stay pending. If
   * replay fails the partition is left unowned.
   */
  async loadPartition(partition: number, records: Iterable<GroupReplayItem> | AsyncIterable<GroupReplayItem>): Promise<void> {
    if (this.#partitions.has(partition)) throw new Error(`__consumer_offsets-${partition} is already loaded`)
    this.#partitions.set(partition, 'loading')
    let skipped = 0
    const here = (groupId: string): boolean => this.partitionFor(groupId) === partition
    try {
      for await (const item of records) {
        if (!('kind' in item)) {
          if (!replayRecord(this.#ctx, item)) skipped++
        } else if (item.kind === 'marker') {
          settleTxnOffsets(this.#ctx, item.producerId, item.commit, here)
        } else if (!(item.producerId === null ? replayRecord(this.#ctx, item) : replayTxnRecord(this.#ctx, item.producerId, item))) {
          skipped++
        }
      }
    } catch (err) {
      this.#forget(partition)
      throw err
    }
    this.#partitions.set(partition, 'loaded')
    // The replay may have ended before these landed; one it did see has nothing left to settle.
    for (const m of this.#markersWhileLoading.get(partition) ?? []) settleTxnOffsets(this.#ctx, m.producerId, m.commit, here)
    this.#markersWhileLoading.delete(partition)
    const groups = this.#groupsOf(partition)
    this.#ctx.log.info({ partition, groups: groups.length, skippedRecords: skipped }, 'loaded group metadata')
    activateLoadedGroups(this.#ctx, groups)
  }

  /** Gives up a partition: parked requests of its groups get NOT_COORDINATOR and its state is dropped. */
  unloadPartition(partition: number): void {
    for (const group of this.#groupsOf(partition)) {
      group.failAllWaiters(ErrorCode.NOT_COORDINATOR)
      this.#timers.cancelPrefix(timerKey.group(group.groupId))
      if (!group.is(GroupState.Dead)) group.transitionTo(GroupState.Dead)
    }
    this.#forget(partition)
  }

  /** Unloads everything and stops the timers. */
  close(): void {
    this.#stopExpiration()
    for (const partition of [...this.#partitions.keys()]) this.unloadPartition(partition)
    this.#timers.cancelAll()
  }

  joinGroup(req: JoinGroupRequest, client: JoinClient): Promise<JoinGroupResponse> {
    const status = this.#status(req.groupId, 'non-empty')
    if (status !== ErrorCode.NONE) return Promise.resolve(joinError(req.memberId, status))
    return joinGroup(this.#ctx, req, client)
  }

  syncGroup(req: SyncGroupRequest): Promise<SyncGroupResponse> {
    const status = this.#status(req.groupId, 'non-empty')
    // The rebalance state was lost with the old coordinator: rejoining is what the member must do.
    if (status === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
    if (status !== ErrorCode.NONE) return Promise.resolve(syncError(status))
    return syncGroup(this.#ctx, req)
  }

  heartbeat(req: HeartbeatRequest): HeartbeatResponse {
    const status = this.#status(req.groupId, 'non-empty')
    // While loading, Kafka answers blindly: the member keeps going until the group is back.
    if (status === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE }
    if (status !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: status }
    return { throttleTimeMs: 0, errorCode: heartbeat(this.#ctx, req) }
  }

  /** LeaveGroup v3+ form; handlers turn a v0-2 request into one member. Answers after any resulting write. */
  async leaveGroup(groupId: string, members: readonly MemberIdentity[]): Promise<LeaveGroupResponse> {
    const status = this.#status(groupId, 'non-empty')
    if (status !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: status, members: [] }
    const responses = leaveGroup(this.#ctx, groupId, members)
    await this.#ctx.written(groupId)
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, members: responses }
  }

  /** TxnOffsetCommit: offsets that count once the producer's transaction commits. */
  commitTxnOffsets(req: TxnOffsetCommitRequest, apiVersion: number): Promise<TxnOffsetCommitResponse> {
    const verify = this.#verifyTransaction
    const partition = this.partitionFor(req.groupId)
    const verifyHere = verify && ((id: string, producerId: number, epoch: number, abortable: boolean) => verify(id, producerId, epoch, partition, abortable))
    return commitTxnOffsets(this.#ctx, req, this.#topics, this.#status(req.groupId, 'non-empty'), verifyHere, apiVersion)
  }

  /**
   * A COMMIT or ABORT marker was written to a __consumer_offsets partition (by the transaction
   * coordinator): the producer's pending offsets of the groups there are applied or dropped.
   */
  onTransactionMarker(topic: string, partition: number, producerId: number, commit: boolean): void {
    if (topic !== OFFSETS_TOPIC) return
    const state = this.#partitions.get(partition)
    if (state === 'loading') {
      const deferred = this.#markersWhileLoading.get(partition) ?? []
      deferred.push({ producerId, commit })
      this.#markersWhileLoading.set(partition, deferred)
    }
    if (state !== 'loaded') return
    settleTxnOffsets(this.#ctx, producerId, commit, (groupId) => this.partitionFor(groupId) === partition)
  }

  commitOffsets(req: OffsetCommitRequest, apiVersion: number): Promise<OffsetCommitResponse> {
    return commitOffsets(this.#ctx, req, apiVersion, this.#topics, this.#status(req.groupId, 'any'))
  }

  /** One group's offsets (OffsetFetch v8+ asks for several; earlier versions for one). */
  fetchOffsets(groupId: string, topics: readonly FetchTopics[] | null, requireStable: boolean): OffsetFetchResponseGroup {
    const status = this.#status(groupId, 'any')
    if (status !== ErrorCode.NONE) return { groupId, errorCode: status, topics: [] }
    return fetchOffsets(this.#ctx, groupId, topics, requireStable)
  }

  deleteOffsets(req: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    const status = this.#status(req.groupId, 'any')
    if (status !== ErrorCode.NONE) return Promise.resolve({ errorCode: status, throttleTimeMs: 0, topics: [] })
    return deleteOffsets(this.#ctx, req)
  }

  describeGroups(groupIds: readonly string[]): GroupDescription[] {
    return groupIds.map((groupId) => {
      const status = this.#status(groupId, 'any')
      if (status !== ErrorCode.NONE) {
        return { errorCode: status, groupId, groupState: '', protocolType: '', protocolData: '', members: [] }
      }
      return describeGroup(this.#ctx, groupId)
    })
  }

  /** While any partition is still loading the list would be incomplete, so Kafka answers with the error alone. */
  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): ListGroupsResponse {
    if ([...this.#partitions.values()].includes('loading')) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, groups: [] }
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: listGroups(this.#ctx, statesFilter, typesFilter) }
  }

  /** One result per distinct group id, in request order. */
  async deleteGroups(groupIds: readonly string[]): Promise<DeletableGroupResult[]> {
    const distinct = [...new Set(groupIds)]
    const codes = await Promise.all(
      distinct.map((groupId) => {
        const status = this.#status(groupId, 'any')
        return status === ErrorCode.NONE ? deleteGroup(this.#ctx, groupId) : status
      }),
    )
    return distinct.map((groupId, i) => ({ groupId, errorCode: codes[i]! }))
  }

  /** Runs the offsets retention check now (it also runs every offsets.retention.check.interval.ms). */
  expireOffsets(): Promise<void> {
    return expireOffsets(this.#ctx, (groupId) => this.#partitions.get(this.partitionFor(groupId)) === 'loaded')
  }

  /** The group's state, for tests and tools; undefined when the group does not exist here. */
  groupState(groupId: string): GroupState | undefined {
    return this.#ctx.groups.get(groupId)?.state
  }

  #status(groupId: string, rule: GroupIdRule): number {
    if ((rule === 'non-empty' && groupId === '') || Buffer.byteLength(groupId) > MAX_GROUP_ID_BYTES) {
      return ErrorCode.INVALID_GROUP_ID
    }
    const state = this.#partitions.get(this.partitionFor(groupId))
    if (state === 'loading') return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    if (state === undefined) return ErrorCode.NOT_COORDINATOR
    return ErrorCode.NONE
  }

  #groupsOf(partition: number): ClassicGroup[] {
    return [...this.#ctx.groups.values()].filter((g) => this.partitionFor(g.groupId) === partition)
  }

  #forget(partition: number): void {
    for (const group of this.#groupsOf(partition)) this.#ctx.groups.delete(group.groupId)
    for (const groupId of [...this.#ctx.offsets.groupIds()]) {
      if (this.partitionFor(groupId) === partition) this.#ctx.offsets.removeGroup(groupId)
    }
    this.#ctx.txnOffsets.forget((groupId) => this.partitionFor(groupId) === partition)
    this.#markersWhileLoading.delete(partition)
    this.#partitions.delete(partition)
  }
}
