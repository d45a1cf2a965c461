/**
 * Group offset requests shared by the console consumer and kafka-consumer-groups: committed
 * offsets (OffsetFetch, in its single-group and batched shapes), commits, and log offsets
 * (ListOffsets) by partition leader.
 */
import { ListOffsets } from '../../protocol/generated/list-offsets.js'
import { OffsetCommit } from '../../protocol/generated/offset-commit.js'
import { OffsetFetch } from '../../protocol/generated/offset-fetch.js'
import type { ApiCodec } from '../../protocol/generated/api-keys.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { ToolClient } from './tool-client.js'
import { KafkaResponseError } from './tool-error.js'
import type { PartitionLayout } from './topic-metadata.js'

export interface TopicPartition {
  readonly topic: string
  readonly partition: number
}

/** `topic-partition`, as Kafka's TopicPartition.toString(). */
export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`
}

export const EARLIEST = -2n
export const LATEST = -1n

function byTopic<T extends TopicPartition>(tps: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const tp of tps) {
    const list = out.get(tp.topic)
    if (list) list.push(tp)
    else out.set(tp.topic, [tp])
  }
  return out
}

/** Committed offsets of `groupId` (null: every partition it has offsets for), keyed by tpKey. */
export async function fetchCommitted(client: ToolClient, coordinator: number, groupId: string, partitions: readonly TopicPartition[] | null): Promise<Map<string, { tp: TopicPartition; offset: bigint }>> {
  const version = client.versionFor(OffsetFetch as ApiCodec<unknown, unknown>)
  const topics = partitions === null ? null : [...byTopic(partitions)].map(([name, tps]) => ({ name, partitionIndexes: tps.map((t) => t.partition) }))
  const response = await client.send(
    OffsetFetch,
    {
      groupId,
      topics,
      groups: [{ groupId, memberId: null, memberEpoch: -1, topics }],
      requireStable: true,
    },
    { nodeId: coordinator },
  )
  const group = version >= 8 ? response.groups[0] : { errorCode: response.errorCode, topics: response.topics }
  if (group === undefined) return new Map()
  if (group.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(group.errorCode)
  const out = new Map<string, { tp: TopicPartition; offset: bigint }>()
  for (const t of group.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(p.errorCode)
      if (p.committedOffset < 0n) continue
      const tp = { topic: t.name, partition: p.partitionIndex }
      out.set(tpKey(tp), { tp, offset: p.committedOffset })
    }
  }
  return out
}

export interface OffsetToCommit extends TopicPartition {
  readonly offset: bigint
}

/** Commits offsets; generation -1 and an empty member id commit as an admin (the group must be empty). */
export async function commitOffsets(
  client: ToolClient,
  coordinator: number,
  groupId: string,
  offsets: readonly OffsetToCommit[],
  member: { generationId: number; memberId: string } = { generationId: -1, memberId: '' },
): Promise<void> {
  if (offsets.length === 0) return
  const response = await client.send(
    OffsetCommit,
    {
      groupId,
      generationIdOrMemberEpoch: member.generationId,
      memberId: member.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [...byTopic(offsets)].map(([name, tps]) => ({
        name,
        partitions: tps.map((o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' })),
      })),
    },
    { nodeId: coordinator },
  )
  for (const t of response.topics) {
    for (const p of t.partitions) if (p.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(p.errorCode)
  }
}

/** ListOffsets for `timestamp` (EARLIEST, LATEST or a time in ms) on each partition's leader; -1n when none. */
export async function listOffsets(client: ToolClient, partitions: readonly PartitionLayout[], timestamp: bigint, isolationLevel = 0): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>()
  const byLeader = new Map<number, PartitionLayout[]>()
  for (const p of partitions) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p])
  await Promise.all(
    [...byLeader].map(async ([leader, tps]) => {
      const response = await client.send(
        ListOffsets,
        {
          replicaId: -1,
          isolationLevel,
          topics: [...byTopic(tps)].map(([name, list]) => ({
            name,
            partitions: list.map((p) => ({ partitionIndex: p.partition, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })),
          })),
        },
        { nodeId: leader },
      )
      for (const t of response.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(p.errorCode)
          out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), p.offset)
        }
      }
    }),
  )
  return out
}
