/**
 * One transactional id's state, as Kafka's TransactionMetadata. A change is first *prepared*: a
 * TxnTransit (the state to write) is built and the state it leads to becomes `pendingState`, so
 * every other request meanwhile is told CONCURRENT_TRANSACTIONS. Once the transit is written to
 * __transaction_state it is *completed* (applied here); if the write fails the pending state is
 * dropped and nothing changed.
 */
import { TxnState, legalPrevious } from './transaction-state.js'

export const NO_PRODUCER_ID = -1n
export const NO_PRODUCER_EPOCH = -1
/** Kafka rotates to a new producer id once the epoch reaches Short.MAX_VALUE - 1. */
const MAX_EPOCH = 32_767

export function isEpochExhausted(epoch: number): boolean {
  return epoch >= MAX_EPOCH - 1
}

/** Topic partitions by topic, in insertion order. */
export class PartitionSet {
  readonly #topics = new Map<string, Set<number>>()

  constructor(entries: Iterable<readonly [string, number]> = []) {
    for (const [topic, partition] of entries) this.add(topic, partition)
  }

  add(topic: string, partition: number): void {
    let partitions = this.#topics.get(topic)
    if (!partitions) this.#topics.set(topic, (partitions = new Set()))
    partitions.add(partition)
  }

  has(topic: string, partition: number): boolean {
    return this.#topics.get(topic)?.has(partition) ?? false
  }

  get size(): number {
    let n = 0
    for (const partitions of this.#topics.values()) n += partitions.size
    return n
  }

  *[Symbol.iterator](): Generator<[topic: string, partition: number]> {
    for (const [topic, partitions] of this.#topics) for (const partition of partitions) yield [topic, partition]
  }

  byTopic(): { topic: string; partitions: number[] }[] {
    return [...this.#topics].map(([topic, partitions]) => ({ topic, partitions: [...partitions] }))
  }

  union(other: Iterable<readonly [string, number]>): PartitionSet {
    const merged = new PartitionSet(this)
    for (const [topic, partition] of other) merged.add(topic, partition)
    return merged
  }

  containsAll(other: Iterable<readonly [string, number]>): boolean {
    for (const [topic, partition] of other) if (!this.has(topic, partition)) return false
    return true
  }
}

/** A state to be written, and applied once written. */
export interface TxnTransit {
  readonly producerId: bigint
  readonly lastProducerId: bigint
  readonly producerEpoch: number
  readonly lastProducerEpoch: number
  readonly timeoutMs: number
  readonly state: TxnState
  readonly partitions: PartitionSet
  readonly startTimestamp: number
  readonly lastUpdateTimestamp: number
}

type TransitFields = Partial<Omit<TxnTransit, 'state' | 'lastProducerId'>>

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError'
}

export class TransactionMetadata implements TxnTransit {
  readonly transactionalId: string
  producerId: bigint
  lastProducerId: bigint
  producerEpoch: number
  lastProducerEpoch: number
  timeoutMs: number
  state: TxnState
  partitions: PartitionSet
  startTimestamp: number
  lastUpdateTimestamp: number
  /** The state a prepared transit leads to, until it is written (or fails). */
  pendingState: TxnState | undefined
  /** An epoch fence whose write failed: the next fence reuses the epoch instead of bumping it again. */
  hasFailedEpochFence = false
  /** While markers are being written: settles once the transaction is complete (or given up). */
  completing: Promise<void> | undefined

  constructor(transactionalId: string, init: Omit<TxnTransit, 'partitions'> & { readonly partitions?: PartitionSet }) {
    this.transactionalId = transactionalId
    this.producerId = init.producerId
    this.lastProducerId = init.lastProducerId
    this.producerEpoch = init.producerEpoch
    this.lastProducerEpoch = init.lastProducerEpoch
    this.timeoutMs = init.timeoutMs
    this.state = init.state
    this.partitions = init.partitions ?? new PartitionSet()
    this.startTimestamp = init.startTimestamp
    this.lastUpdateTimestamp = init.lastUpdateTimestamp
  }

  get pendingTransitionInProgress(): boolean {
    return this.pendingState !== undefined
  }

  get isProducerEpochExhausted(): boolean {
    return isEpochExhausted(this.producerEpoch)
  }

  /** InitProducerId on a transactional id at rest: bump the epoch (KIP-360 rules for an expected epoch). */
  prepareIncrementProducerEpoch(timeoutMs: number, expectedEpoch: number | undefined, now: number): TxnTransit | 'fenced' {
    if (this.isProducerEpochExhausted) throw new IllegalTransitionError(`${this.transactionalId}: epoch ${this.producerEpoch} cannot be bumped`)
    const bumped = this.producerEpoch + 1
    let next: [epoch: number, lastEpoch: number]
    if (expectedEpoch === undefined) next = [bumped, NO_PRODUCER_EPOCH]
    // The producer continues after an error (or is new): bump, remembering the epoch it had.
    else if (this.producerEpoch === NO_PRODUCER_EPOCH || expectedEpoch === this.producerEpoch) next = [bumped, this.producerEpoch]
    // A retry of a bump whose answer was lost: the same epoch again.
    else if (expectedEpoch === this.lastProducerEpoch) next = [this.producerEpoch, this.lastProducerEpoch]
    else return 'fenced'
    return this.#prepare(TxnState.Empty, {
      producerEpoch: next[0],
      lastProducerEpoch: next[1],
      timeoutMs,
      partitions: new PartitionSet(),
      startTimestamp: -1,
      lastUpdateTimestamp: now,
    })
  }

  /** The epoch is exhausted: a new producer id, epoch 0. */
  prepareProducerIdRotation(producerId: bigint, timeoutMs: number, now: number, recordLastEpoch: boolean): TxnTransit {
    return this.#prepare(TxnState.Empty, {
      producerId,
      producerEpoch: 0,
      lastProducerEpoch: recordLastEpoch ? this.producerEpoch : NO_PRODUCER_EPOCH,
      timeoutMs,
      partitions: new PartitionSet(),
      startTimestamp: -1,
      lastUpdateTimestamp: now,
    })
  }

  /** An Ongoing transaction is to be aborted under a bumped epoch (a new producer, or its timeout). */
  prepareFenceProducerEpoch(): TxnTransit {
    if (this.producerEpoch >= MAX_EPOCH) throw new IllegalTransitionError(`${this.transactionalId}: epoch ${this.producerEpoch} cannot be fenced`)
    const epoch = this.hasFailedEpochFence ? this.producerEpoch : this.producerEpoch + 1
    return this.#prepare(TxnState.PrepareEpochFence, { producerEpoch: epoch, lastProducerEpoch: NO_PRODUCER_EPOCH })
  }

  prepareAddPartitions(added: Iterable<readonly [string, number]>, now: number): TxnTransit {
    const starting = this.state === TxnState.Empty || this.state === TxnState.CompleteCommit || this.state === TxnState.CompleteAbort
    return this.#prepare(TxnState.Ongoing, {
      partitions: this.partitions.union(added),
      startTimestamp: starting ? now : this.startTimestamp,
      lastUpdateTimestamp: now,
    })
  }

  prepareAbortOrCommit(state: TxnState.PrepareCommit | TxnState.PrepareAbort, now: number): TxnTransit {
    return this.#prepare(state, { lastUpdateTimestamp: now })
  }

  /** Every marker is written: CompleteCommit or CompleteAbort, with no partitions. */
  prepareComplete(now: number): TxnTransit {
    const state = this.state === TxnState.PrepareCommit ? TxnState.CompleteCommit : TxnState.CompleteAbort
    this.hasFailedEpochFence = false
    return this.#prepare(state, { partitions: new PartitionSet(), lastUpdateTimestamp: now })
  }

  /** transactional.id.expiration.ms passed: the id is removed (a tombstone is written). */
  prepareDead(): TxnTransit {
    return this.#prepare(TxnState.Dead, { partitions: new PartitionSet() })
  }

  /**
   * PrepareEpochFence gives way to PrepareAbort under the fenced epoch: the epoch is taken now so
   * the abort is written (and its markers sent) with it.
   */
  takeEpochFence(epoch: number): void {
    this.pendingState = undefined
    this.producerEpoch = epoch
    this.lastProducerEpoch = NO_PRODUCER_EPOCH
  }

  /** The transit was written: it becomes the state. */
  completeTransition(transit: TxnTransit): void {
    if (this.pendingState !== transit.state) {
      throw new IllegalTransitionError(`${this.transactionalId}: completing ${transit.state} while ${this.pendingState ?? 'nothing'} is pending`)
    }
    this.producerId = transit.producerId
    this.lastProducerId = transit.lastProducerId
    this.producerEpoch = transit.producerEpoch
    this.lastProducerEpoch = transit.lastProducerEpoch
    this.timeoutMs = transit.timeoutMs
    this.state = transit.state
    this.partitions = transit.partitions
    this.startTimestamp = transit.startTimestamp
    this.lastUpdateTimestamp = transit.lastUpdateTimestamp
    this.pendingState = undefined
  }

  /** The transit could not be written: nothing changes. */
  abandonTransition(): void {
    this.pendingState = undefined
  }

  #prepare(state: TxnState, fields: TransitFields): TxnTransit {
    if (this.pendingState !== undefined) {
      throw new IllegalTransitionError(`${this.transactionalId}: preparing ${state} while ${this.pendingState} is pending`)
    }
    if (!legalPrevious[state].includes(this.state)) {
      throw new IllegalTransitionError(`${this.transactionalId}: ${this.state} cannot become ${state}`)
    }
    const transit: TxnTransit = {
      producerId: fields.producerId ?? this.producerId,
      // Kafka records the id being replaced, so a retry with the old id is recognised (KIP-360).
      lastProducerId: this.producerId,
      producerEpoch: fields.producerEpoch ?? this.producerEpoch,
      lastProducerEpoch: fields.lastProducerEpoch ?? this.lastProducerEpoch,
      timeoutMs: fields.timeoutMs ?? this.timeoutMs,
      state,
      partitions: fields.partitions ?? this.partitions,
      startTimestamp: fields.startTimestamp ?? this.startTimestamp,
      lastUpdateTimestamp: fields.lastUpdateTimestamp ?? this.lastUpdateTimestamp,
    }
    this.pendingState = state
    return transit
  }
}
