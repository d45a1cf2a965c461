/**
 * Topic lookups the tools share: names (with Kafka's internal-topic rule and the --topic
 * regular expression of TopicCommand's include list) and partition layouts.
 */
import type { MetadataResponseTopic } from '../../protocol/generated/metadata.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { ToolClient } from './tool-client.js'
import { KafkaResponseError, ToolError } from './tool-error.js'

const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state'])

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name)
}

/** Every topic, sorted by name; internal ones only when asked. */
export async function listTopics(client: ToolClient, includeInternal: boolean): Promise<MetadataResponseTopic[]> {
  const md = await client.metadata(null)
  return md.topics
    .filter((t) => t.errorCode === ErrorCode.NONE && t.name !== null)
    .filter((t) => includeInternal || !(t.isInternal || isInternalTopic(t.name as string)))
    .sort((a, b) => ((a.name as string) < (b.name as string) ? -1 : 1))
}

/**
 * A topic include list as Kafka's tools take it: a Java regular expression matched against
 * the whole name, commas meaning alternation, spaces and surrounding quotes ignored.
 */
export function topicMatcher(includeList: string): (topic: string) => boolean {
  const cleaned = includeList.trim().replaceAll(',', '|').replaceAll(' ', '').replace(/^["']+/, '').replace(/["']+$/, '')
  let re: RegExp
  try {
    re = new RegExp(`^(?:${cleaned})$`)
  } catch (err) {
    throw new ToolError(`${cleaned} is an invalid regex: ${(err as Error).message}`)
  }
  return (topic) => re.test(topic)
}

export interface PartitionLayout {
  readonly topic: string
  readonly partition: number
  readonly leader: number
}

/** The partitions of `topics` with their leaders; throws for a topic that does not exist. */
export async function partitionsOf(client: ToolClient, topics: readonly string[]): Promise<PartitionLayout[]> {
  if (topics.length === 0) return []
  const md = await client.metadata([...new Set(topics)])
  const out: PartitionLayout[] = []
  for (const t of md.topics) {
    if (t.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(t.errorCode)
    for (const p of t.partitions) out.push({ topic: t.name as string, partition: p.partitionIndex, leader: p.leaderId })
  }
  return out.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
}
