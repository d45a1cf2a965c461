/**
 * Transactional offset commits (TxnOffsetCommit, KIP-98/447), as Kafka's group coordinator keeps
 * them: the records are written to __consumer_offsets in a transactional batch under the
 * producer's id and epoch, and stay pending until the transaction's marker lands on that
 * partition. A COMMIT marker makes them the group's committed offsets; an ABORT drops them.
 * While any is pending for a partition, OffsetFetch with require_stable answers
 * UNSTABLE_OFFSET_COMMIT for it. Replay at load time settles them the same way from the log.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse, TxnOffsetCommitResponsePartition } from '../../protocol/generated/txn-offset-commit.js'
import { ClassicGroup } from './classic-group.js'
import type { CoordinatorContext } from './context.js'
import { appendFailureCode, commitWriteErrorCode } from './group-log.js'
import { GroupState } from './group-state.js'
import type { TopicLookup } from './offsets.js'
import { decodeRecord, offsetCommitRecord } from './records.js'
import type { GroupLogRecord, OffsetAndMetadata } from './records.js'

/** TxnOffsetCommit v4 is the first whose clients know TRANSACTION_ABORTABLE (KIP-890). */
const TRANSACTION_ABORTABLE_VERSION = 4

type PartitionKey = string
const keyOf = (topic: string, partition: number): PartitionKey => `${topic}\u0000${partition}`

interface PendingOffset {
  readonly groupId: string
  readonly topic: string
  readonly partition: number
  readonly offset: OffsetAndMetadata
  /** Where its record is in the log, relative to other commits (Infinity while being written). */
  written: number
}

/**
 * Pending transactional offsets by producer id, then group and partition. As Kafka, a committed
 * transaction's offset does not replace an offset committed outside the transaction whose record
 * came later in the log; writes complete in log order, so a counter stands for the position.
 */
export class TxnOffsetStore {
  readonly #byProducer = new Map<number, Map<string, Map<PartitionKey, PendingOffset>>>()
  /** How many producers have a pending offset for a group's partition. */
  readonly #pendingCount = new Map<string, Map<PartitionKey, number>>()
  /** The position of the latest plain commit, for partitions with pending offsets. */
  readonly #plainCommits = new Map<string, Map<PartitionKey, number>>()
  #position = 0

  add(producerId: number, groupId: string, topic: string, partition: number, offset: OffsetAndMetadata): void {
    let groups = this.#byProducer.get(producerId)
    if (!groups) this.#byProducer.set(producerId, (groups = new Map()))
    let offsets = groups.get(groupId)
    if (!offsets) groups.set(groupId, (offsets = new Map()))
    const key = keyOf(topic, partition)
    if (!offsets.has(key)) this.#count(groupId, key, 1)
    offsets.set(key, { groupId, topic, partition, offset, written: Infinity })
  }

  /** The pending offset's record is in the log. */
  written(producerId: number, groupId: string, topic: string, partition: number, offset: OffsetAndMetadata): void {
    const pending = this.#byProducer.get(producerId)?.get(groupId)?.get(keyOf(topic, partition))
    if (pending?.offset === offset) pending.written = ++this.#position
  }

  /** A plain (non-transactional) commit of the partition is in the log. */
  plainCommitWritten(groupId: string, topic: string, partition: number): void {
    if (!this.hasPending(groupId, topic, partition)) return
    let commits = this.#plainCommits.get(groupId)
    if (!commits) this.#plainCommits.set(groupId, (commits = new Map()))
    commits.set(keyOf(topic, partition), ++this.#position)
  }

  /** Whether a plain commit came after the pending offset (which then must not replace it). */
  #supersededByPlainCommit(pending: PendingOffset): boolean {
    return (this.#plainCommits.get(pending.groupId)?.get(keyOf(pending.topic, pending.partition)) ?? -1) > pending.written
  }

  /** Drops one pending offset if it is still the one given (a failed write). */
  remove(producerId: number, groupId: string, topic: string, partition: number, offset: OffsetAndMetadata): void {
    const offsets = this.#byProducer.get(producerId)?.get(groupId)
    const key = keyOf(topic, partition)
    if (offsets?.get(key)?.offset !== offset) return
    offsets.delete(key)
    this.#count(groupId, key, -1)
    this.#prune(producerId, groupId)
  }

  /**
   * Drops every producer's pending offset for one partition of the group (OffsetDelete, or its
   * tombstone on replay), as Kafka's GroupMetadata.removeOffsets; true if there was one.
   */
  removePartition(groupId: string, topic: string, partition: number): boolean {
    if (!this.hasPending(groupId, topic, partition)) return false
    const key = keyOf(topic, partition)
    for (const [producerId, groups] of this.#byProducer) {
      if (!groups.get(groupId)?.delete(key)) continue
      this.#count(groupId, key, -1)
      this.#prune(producerId, groupId)
    }
    return true
  }

  /** Whether any producer has a pending offset for the group (Kafka's hasOffsets counts them: the group is kept). */
  hasGroup(groupId: string): boolean {
    return this.#pendingCount.has(groupId)
  }

  hasPending(groupId: string, topic: string, partition: number): boolean {
    return (this.#pendingCount.get(groupId)?.get(keyOf(topic, partition)) ?? 0) > 0
  }

  /**
   * Takes the producer's pending offsets of the groups `inPartition` accepts (those on the
   * marker's partition), each with whether a later plain commit supersedes it.
   */
  take(producerId: number, inPartition: (groupId: string) => boolean): { pending: PendingOffset; superseded: boolean }[] {
    const groups = this.#byProducer.get(producerId)
    if (!groups) return []
    const taken: { pending: PendingOffset; superseded: boolean }[] = []
    for (const [groupId, offsets] of groups) {
      if (!inPartition(groupId)) continue
      for (const [key, pending] of offsets) {
        taken.push({ pending, superseded: this.#supersededByPlainCommit(pending) })
        this.#count(groupId, key, -1)
      }
      groups.delete(groupId)
    }
    if (groups.size === 0) this.#byProducer.delete(producerId)
    return taken
  }

  /** Drops everything pending for the groups `inPartition` accepts (the partition is unloaded). */
  forget(inPartition: (groupId: string) => boolean): void {
    for (const producerId of [...this.#byProducer.keys()]) this.take(producerId, inPartition)
  }

  #count(groupId: string, key: PartitionKey, delta: number): void {
    let counts = this.#pendingCount.get(groupId)
    if (!counts) this.#pendingCount.set(groupId, (counts = new Map()))
    const n = (counts.get(key) ?? 0) + delta
    if (n > 0) counts.set(key, n)
    else {
      counts.delete(key)
      this.#plainCommits.get(groupId)?.delete(key)
      if (this.#plainCommits.get(groupId)?.size === 0) this.#plainCommits.delete(groupId)
    }
    if (counts.size === 0) this.#pendingCount.delete(groupId)
  }

  #prune(producerId: number, groupId: string): void {
    const groups = this.#byProducer.get(producerId)
    if (groups?.get(groupId)?.size === 0) groups.delete(groupId)
    if (groups?.size === 0) this.#byProducer.delete(producerId)
  }
}

/**
 * The transaction coordinator's verdict on whether `partition` of __consumer_offsets is in the
 * producer's transaction, in the request's terms (see TransactionVerifier).
 */
export type TxnVerification = (transactionalId: string, producerId: number, producerEpoch: number, partition: number, abortableSupported: boolean) => number

/**
 * A marker landed on the group's partition: the producer's offsets there are committed or
 * dropped. A group deleted meanwhile takes its pending offsets with it, as in Kafka.
 */
export function settleTxnOffsets(ctx: CoordinatorContext, producerId: number, commit: boolean, inPartition: (groupId: string) => boolean): void {
  for (const { pending, superseded } of ctx.txnOffsets.take(producerId, inPartition)) {
    const { groupId, topic, partition, offset } = pending
    if (!commit || superseded || !ctx.groups.has(groupId)) continue
    ctx.offsets.replay(groupId, topic, partition, offset)
  }
}

/** Replay of a record from a transactional batch: an offset commit waits for its marker. */
export function replayTxnRecord(ctx: CoordinatorContext, producerId: number, record: GroupLogRecord): boolean {
  const decoded = decodeRecord(record)
  if (decoded.type !== 'offset') return decoded.type !== 'unknown'
  if (decoded.value) {
    // As TxnOffsetCommit does, the record brings its group into being.
    if (!ctx.groups.has(decoded.group)) ctx.groups.set(decoded.group, new ClassicGroup(decoded.group, ctx.now))
    ctx.txnOffsets.add(producerId, decoded.group, decoded.topic, decoded.partition, decoded.value)
    ctx.txnOffsets.written(producerId, decoded.group, decoded.topic, decoded.partition, decoded.value)
  }
  return true
}

export async function commitTxnOffsets(
  ctx: CoordinatorContext,
  req: TxnOffsetCommitRequest,
  topics: TopicLookup,
  statusError: number,
  /** Whether the group's partition is in the producer's transaction (see TxnVerification). */
  verify: ((transactionalId: string, producerId: number, producerEpoch: number, abortableSupported: boolean) => number) | undefined,
  apiVersion: number,
): Promise<TxnOffsetCommitResponse> {
  const valid: { topic: string; partition: number; offset: OffsetAndMetadata; result: TxnOffsetCommitResponsePartition }[] = []
  const now = ctx.now()
  const response: TxnOffsetCommitResponse = {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const result: TxnOffsetCommitResponsePartition = { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE }
        const count = topics.partitionCount(t.name)
        // As Kafka's request handler: partitions that do not exist are answered before the group is looked at.
        if (count === undefined || p.partitionIndex < 0 || p.partitionIndex >= count) result.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        else {
          const offset = { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata ?? '', commitTimestamp: now, expireTimestamp: null }
          valid.push({ topic: t.name, partition: p.partitionIndex, offset, result })
        }
        return result
      }),
    })),
  }
  const fail = (code: number): TxnOffsetCommitResponse => {
    for (const v of valid) v.result.errorCode = code
    return response
  }
  if (valid.length === 0) return response
  if (statusError !== ErrorCode.NONE) return fail(statusError)
  // Offsets of a partition outside the transaction would wait for a marker that never comes.
  const verified = verify?.(req.transactionalId, Number(req.producerId), req.producerEpoch, apiVersion >= TRANSACTION_ABORTABLE_VERSION) ?? ErrorCode.NONE
  if (verified !== ErrorCode.NONE) return fail(commitWriteErrorCode(verified))
  let group = ctx.groups.get(req.groupId)
  if (!group) ctx.groups.set(req.groupId, (group = new ClassicGroup(req.groupId, ctx.now)))
  const groupError = validateTxnCommit(group, req)
  if (groupError !== ErrorCode.NONE) return fail(groupError)

  const written = valid.filter((v) => {
    if (v.offset.metadata.length <= ctx.config.offsetMetadataMaxBytes) return true
    v.result.errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE
    return false
  })
  if (written.length === 0) return response
  const producerId = Number(req.producerId)
  for (const w of written) ctx.txnOffsets.add(producerId, req.groupId, w.topic, w.partition, w.offset)
  try {
    const records = written.map((w) => offsetCommitRecord(req.groupId, w.topic, w.partition, w.offset))
    await ctx.write(req.groupId, records, { producerId, producerEpoch: req.producerEpoch })
    for (const w of written) ctx.txnOffsets.written(producerId, req.groupId, w.topic, w.partition, w.offset)
  } catch (err) {
    const errorCode = commitWriteErrorCode(appendFailureCode(err))
    ctx.log.warn({ groupId: req.groupId, transactionalId: req.transactionalId, err }, 'failed to write transactional offset commit')
    for (const w of written) {
      ctx.txnOffsets.remove(producerId, req.groupId, w.topic, w.partition, w.offset)
      w.result.errorCode = errorCode
    }
  }
  return response
}

/**
 * Kafka's rules for transactional commits: a member that names itself (generation, member id
 * or instance id) must be the current member at the current generation; a commit that names
 * no member is accepted whatever the group's state, as producers commit for groups they are
 * not part of.
 */
function validateTxnCommit(group: ClassicGroup, req: TxnOffsetCommitRequest): number {
  if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE
  if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
    const memberError = group.validateMember(req.memberId, req.groupInstanceId)
    if (memberError !== ErrorCode.NONE) return memberError
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
  }
  return ErrorCode.NONE
}
