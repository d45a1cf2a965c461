/**
 * Fetch test helpers: topics with their logs, records appended straight through the broker's
 * ReplicaManager, Fetch requests with Kafka's consumer defaults, and fetched bytes decoded
 * into records (key, value, headers, offsets).
 */
import type { Broker } from '../../src/broker.js'
import type { TopicInfo } from '../../src/cluster/topic-registry.js'
import type { FetchPartition, FetchRequest } from '../../src/protocol/generated/fetch.js'
import { buildBatch } from '../../src/protocol/records/batch-builder.js'
import { BatchHeader } from '../../src/protocol/records/batch-header.js'
import { readRecords } from '../../src/protocol/records/record-reader.js'
import type { RecordInput } from '../../src/protocol/records/record.js'
import { ZERO_UUID } from '../../src/protocol/primitives/uuid.js'

/** Creates a topic with its partition logs. */
export function createTopicWithLogs(broker: Broker, name: string, partitions = 1): Promise<TopicInfo> {
  return broker.cluster.createTopic({ name, partitions })
}

export interface SimpleRecord {
  key?: string | null
  value: string | null
  headers?: Record<string, string>
  timestamp?: number
}

function toInput(r: SimpleRecord): RecordInput {
  return {
    timestamp: r.timestamp ?? Date.now(),
    key: r.key == null ? null : Buffer.from(r.key),
    value: r.value === null ? null : Buffer.from(r.value),
    headers: Object.entries(r.headers ?? {}).map(([key, value]) => ({ key, value: Buffer.from(value) })),
  }
}

/** Appends one batch of `records` to a partition; returns its base offset. */
export async function appendBatch(broker: Broker, topic: string, partition: number, records: readonly SimpleRecord[]): Promise<number> {
  const log = broker.replicas.partition(topic, partition)
  if (!log) throw new Error(`no log for ${topic}-${partition}`)
  const result = await log.append(buildBatch(records.map(toInput), { partitionLeaderEpoch: 0 }))
  return result.baseOffset
}

export interface FetchedRecord {
  offset: number
  key: string | null
  value: string | null
  headers: Record<string, string>
}

/** Decodes fetched bytes (uncompressed batches) into records; also checks they are whole batches. */
export function decodeFetched(records: Buffer | null): FetchedRecord[] {
  const out: FetchedRecord[] = []
  if (records === null) return out
  for (let pos = 0; pos < records.length; ) {
    const h = BatchHeader.view(records, pos)
    if (pos + h.sizeInBytes > records.length) throw new Error(`partial batch at ${pos}`)
    for (const r of readRecords(h)) {
      out.push({
        offset: r.offset,
        key: r.key === null ? null : r.key.toString(),
        value: r.value === null ? null : r.value.toString(),
        headers: Object.fromEntries(r.headers.map((x) => [x.key, x.value?.toString() ?? ''])),
      })
    }
    pos += h.sizeInBytes
  }
  return out
}

/** Sizes of the batches in fetched bytes. */
export function batchSizes(records: Buffer | null): number[] {
  const sizes: number[] = []
  for (let pos = 0; records !== null && pos < records.length; pos += sizes.at(-1)!) sizes.push(BatchHeader.view(records, pos).sizeInBytes)
  return sizes
}

export interface PartitionAsk {
  topic: string
  topicId?: string
  partition: number
  offset?: bigint
  maxBytes?: number
  currentLeaderEpoch?: number
  lastFetchedEpoch?: number
}

/** A Fetch request with the Java consumer's defaults (500 ms wait, 1 byte, 50 MiB, 1 MiB per partition, read_uncommitted). */
export function fetchRequest(parts: readonly PartitionAsk[], over: Partial<FetchRequest> = {}): FetchRequest {
  const topics: FetchRequest['topics'] = []
  for (const p of parts) {
    const topicId = p.topicId ?? ZERO_UUID
    let t = topics.at(-1)
    if (t === undefined || t.topic !== p.topic || t.topicId !== topicId) topics.push((t = { topic: p.topic, topicId, partitions: [] }))
    const partition: FetchPartition = {
      partition: p.partition,
      currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
      fetchOffset: p.offset ?? 0n,
      lastFetchedEpoch: p.lastFetchedEpoch ?? -1,
      logStartOffset: -1n,
      partitionMaxBytes: p.maxBytes ?? 1048576,
    }
    t.partitions.push(partition)
  }
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 52428800,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics,
    forgottenTopicsData: [],
    rackId: '',
    ...over,
  }
}
