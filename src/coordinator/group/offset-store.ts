/**
 * Committed offsets per group, and the commits still being written. A commit is visible to
 * OffsetFetch only once its records are in the log; until then it is pending. Deleting offsets
 * (DeleteGroups, OffsetDelete) drops pending commits too, so a write that lands afterwards
 * does not bring the offset back. Appends complete in order, so when several commits of one
 * partition are in flight the last one to land wins, as it does on replay.
 */
import type { OffsetAndMetadata } from './records.js'

class TopicPartitionMap<V> {
  readonly #topics = new Map<string, Map<number, V>>()

  get(topic: string, partition: number): V | undefined {
    return this.#topics.get(topic)?.get(partition)
  }

  set(topic: string, partition: number, value: V): void {
    let partitions = this.#topics.get(topic)
    if (!partitions) this.#topics.set(topic, (partitions = new Map()))
    partitions.set(partition, value)
  }

  delete(topic: string, partition: number): boolean {
    const partitions = this.#topics.get(topic)
    if (!partitions?.delete(partition)) return false
    if (partitions.size === 0) this.#topics.delete(topic)
    return true
  }

  get isEmpty(): boolean {
    return this.#topics.size === 0
  }

  *entries(): Generator<[topic: string, partition: number, value: V]> {
    for (const [topic, partitions] of this.#topics) for (const [partition, value] of partitions) yield [topic, partition, value]
  }
}

interface GroupOffsets {
  readonly committed: TopicPartitionMap<OffsetAndMetadata>
  readonly pending: TopicPartitionMap<OffsetAndMetadata>
}

export class OffsetStore {
  readonly #groups = new Map<string, GroupOffsets>()

  #group(groupId: string): GroupOffsets {
    let offsets = this.#groups.get(groupId)
    if (!offsets) this.#groups.set(groupId, (offsets = { committed: new TopicPartitionMap(), pending: new TopicPartitionMap() }))
    return offsets
  }

  #prune(groupId: string, offsets: GroupOffsets): void {
    if (offsets.committed.isEmpty && offsets.pending.isEmpty) this.#groups.delete(groupId)
  }

  get(groupId: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.#groups.get(groupId)?.committed.get(topic, partition)
  }

  *committed(groupId: string): Generator<[topic: string, partition: number, offset: OffsetAndMetadata]> {
    const offsets = this.#groups.get(groupId)
    if (offsets) yield* offsets.committed.entries()
  }

  hasOffsets(groupId: string): boolean {
    return this.#groups.has(groupId)
  }

  hasPending(groupId: string, topic: string, partition: number): boolean {
    return this.#groups.get(groupId)?.pending.get(topic, partition) !== undefined
  }

  /** A commit whose records are being written. */
  prepare(groupId: string, topic: string, partition: number, offset: OffsetAndMetadata): void {
    this.#group(groupId).pending.set(topic, partition, offset)
  }

  /** Its records are written: it becomes the committed offset unless the offset was deleted meanwhile. */
  complete(groupId: string, topic: string, partition: number, offset: OffsetAndMetadata): void {
    const offsets = this.#groups.get(groupId)
    const pending = offsets?.pending.get(topic, partition)
    if (!offsets || pending === undefined) return
    offsets.committed.set(topic, partition, offset)
    if (pending === offset) offsets.pending.delete(topic, partition)
  }

  fail(groupId: string, topic: string, partition: number, offset: OffsetAndMetadata): void {
    const offsets = this.#groups.get(groupId)
    if (!offsets || offsets.pending.get(topic, partition) !== offset) return
    offsets.pending.delete(topic, partition)
    this.#prune(groupId, offsets)
  }

  /** Drops the committed and pending offset; true if there was either. */
  remove(groupId: string, topic: string, partition: number): boolean {
    const offsets = this.#groups.get(groupId)
    if (!offsets) return false
    const removed = [offsets.committed.delete(topic, partition), offsets.pending.delete(topic, partition)].some(Boolean)
    this.#prune(groupId, offsets)
    return removed
  }

  /** Drops every offset of the group; returns the partitions that had one (committed or pending). */
  removeGroup(groupId: string): [topic: string, partition: number][] {
    const offsets = this.#groups.get(groupId)
    if (!offsets) return []
    const removed = new TopicPartitionMap<true>()
    for (const [topic, partition] of offsets.committed.entries()) removed.set(topic, partition, true)
    for (const [topic, partition] of offsets.pending.entries()) removed.set(topic, partition, true)
    this.#groups.delete(groupId)
    return [...removed.entries()].map(([topic, partition]) => [topic, partition])
  }

  /** Replay of an OffsetCommit record: a value sets the offset, a tombstone deletes it. */
  replay(groupId: string, topic: string, partition: number, offset: OffsetAndMetadata | null): void {
    if (offset) {
      this.#group(groupId).committed.set(topic, partition, offset)
      return
    }
    const offsets = this.#groups.get(groupId)
    if (!offsets) return
    offsets.committed.delete(topic, partition)
    this.#prune(groupId, offsets)
  }

  groupIds(): IterableIterator<string> {
    return this.#groups.keys()
  }
}
