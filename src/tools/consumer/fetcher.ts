/**
 * Fetches assigned partitions from their leaders and hands back decoded records. Positions
 * start from a committed offset, an explicit offset, or the reset policy (auto.offset.reset);
 * an out-of-range position is reset by the same policy, as Kafka's consumer does.
 */
import { Fetch } from '../../protocol/generated/fetch.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ZERO_UUID } from '../../protocol/primitives/uuid.js'
import { EARLIEST, LATEST, listOffsets, tpKey } from '../client/group-offsets.js'
import type { TopicPartition } from '../client/group-offsets.js'
import type { ToolClient } from '../client/tool-client.js'
import { KafkaResponseError } from '../client/tool-error.js'
import { partitionsOf } from '../client/topic-metadata.js'
import type { PartitionLayout } from '../client/topic-metadata.js'
import { decodeFetched } from './fetched-records.js'
import type { ConsumedRecord } from './fetched-records.js'

export type ResetPolicy = 'earliest' | 'latest' | 'none'

export interface FetcherConfig {
  readonly isolationLevel: number
  readonly resetPolicy: ResetPolicy
  readonly maxBytes: number
  readonly partitionMaxBytes: number
  readonly minBytes: number
}

export class Fetcher {
  readonly #client: ToolClient
  readonly #config: FetcherConfig
  /** Next offset to fetch, by tpKey. */
  readonly #positions = new Map<string, number>()
  #assigned: PartitionLayout[] = []

  constructor(client: ToolClient, config: FetcherConfig) {
    this.#client = client
    this.#config = config
  }

  get assignment(): readonly TopicPartition[] {
    return this.#assigned
  }

  /** Replaces the assignment; `start` gives known positions, others follow the reset policy. */
  async assign(partitions: readonly TopicPartition[], start: ReadonlyMap<string, bigint> = new Map()): Promise<void> {
    const layouts = await partitionsOf(this.#client, partitions.map((p) => p.topic))
    const wanted = new Set(partitions.map(tpKey))
    this.#assigned = layouts.filter((l) => wanted.has(tpKey(l)))
    this.#positions.clear()
    const unknown: PartitionLayout[] = []
    for (const p of this.#assigned) {
      const offset = start.get(tpKey(p))
      if (offset === undefined || offset < 0n) unknown.push(p)
      else this.#positions.set(tpKey(p), Number(offset))
    }
    await this.#reset(unknown)
  }

  /** Sets positions from ListOffsets at EARLIEST / LATEST for explicit seeks. */
  async seekTo(which: bigint): Promise<void> {
    const offsets = await listOffsets(this.#client, this.#assigned, which, this.#config.isolationLevel)
    for (const [key, offset] of offsets) this.#positions.set(key, Number(offset))
  }

  /** The next offset of each assigned partition. */
  positions(): Map<string, { tp: TopicPartition; offset: number }> {
    const out = new Map<string, { tp: TopicPartition; offset: number }>()
    for (const p of this.#assigned) {
      const offset = this.#positions.get(tpKey(p))
      if (offset !== undefined) out.set(tpKey(p), { tp: { topic: p.topic, partition: p.partition }, offset })
    }
    return out
  }

  /** Moves a partition's position past a record that was handed out. */
  consumed(record: ConsumedRecord): void {
    this.#positions.set(tpKey(record), record.offset + 1)
  }

  /** One round of fetches (long-polling up to `maxWaitMs`); records in partition order. */
  async poll(maxWaitMs: number): Promise<ConsumedRecord[]> {
    if (this.#assigned.length === 0) {
      await new Promise((r) => setTimeout(r, Math.min(maxWaitMs, 100)))
      return []
    }
    const byLeader = new Map<number, PartitionLayout[]>()
    for (const p of this.#assigned) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p])
    const batches = await Promise.all([...byLeader].map(([leader, tps]) => this.#fetchFrom(leader, tps, maxWaitMs)))
    return batches.flat()
  }

  async #fetchFrom(leader: number, partitions: readonly PartitionLayout[], maxWaitMs: number): Promise<ConsumedRecord[]> {
    const topics = new Map<string, PartitionLayout[]>()
    for (const p of partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p])
    const response = await this.#client.send(
      Fetch,
      {
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1n },
        maxWaitMs: Math.max(0, Math.floor(maxWaitMs)),
        minBytes: this.#config.minBytes,
        maxBytes: this.#config.maxBytes,
        isolationLevel: this.#config.isolationLevel,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [...topics].map(([topic, tps]) => ({
          topic,
          topicId: ZERO_UUID,
          partitions: tps.map((p) => ({
            partition: p.partition,
            currentLeaderEpoch: -1,
            fetchOffset: BigInt(this.#positions.get(tpKey(p)) ?? 0),
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: this.#config.partitionMaxBytes,
          })),
        })),
        forgottenTopicsData: [],
        rackId: '',
      },
      { nodeId: leader, maxVersion: 12 },
    )
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(response.errorCode)
    const out: ConsumedRecord[] = []
    const outOfRange: PartitionLayout[] = []
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const layout = partitions.find((l) => l.topic === t.topic && l.partition === p.partitionIndex)
        if (layout === undefined) continue
        if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          outOfRange.push(layout)
          continue
        }
        if (p.errorCode !== ErrorCode.NONE) continue
        const position = this.#positions.get(tpKey(layout)) ?? 0
        if (p.records === null || p.records.length === 0) continue
        out.push(...decodeFetched(t.topic, p.partitionIndex, p.records, position, p.abortedTransactions))
      }
    }
    await this.#reset(outOfRange)
    return out
  }

  async #reset(partitions: readonly PartitionLayout[]): Promise<void> {
    if (partitions.length === 0) return
    if (this.#config.resetPolicy === 'none') {
      throw new KafkaResponseError(ErrorCode.OFFSET_OUT_OF_RANGE, `Undefined offset with no reset policy for partitions: [${partitions.map(tpKey).join(', ')}]`)
    }
    const which = this.#config.resetPolicy === 'earliest' ? EARLIEST : LATEST
    const offsets = await listOffsets(this.#client, partitions, which, this.#config.isolationLevel)
    for (const [key, offset] of offsets) this.#positions.set(key, Number(offset))
  }
}
