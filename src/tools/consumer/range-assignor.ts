/**
 * Kafka's RangeAssignor: per topic, the subscribed members in member-id order each take a
 * contiguous range; the first (partitions % members) take one extra.
 */
import type { TopicPartition } from '../client/group-offsets.js'

export interface Subscriber {
  readonly memberId: string
  readonly topics: readonly string[]
}

export function assignRange(members: readonly Subscriber[], partitionCounts: ReadonlyMap<string, number>): Map<string, TopicPartition[]> {
  const out = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]))
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort()
  for (const topic of topics) {
    const count = partitionCounts.get(topic) ?? 0
    const consumers = members.filter((m) => m.topics.includes(topic)).map((m) => m.memberId).sort()
    const per = Math.floor(count / consumers.length)
    const extra = count % consumers.length
    consumers.forEach((memberId, i) => {
      const start = per * i + Math.min(i, extra)
      const length = per + (i < extra ? 1 : 0)
      for (let p = start; p < start + length; p++) out.get(memberId)!.push({ topic, partition: p })
    })
  }
  return out
}
