/**
 * kafka-consumer-groups --delete-offsets: OffsetDelete for one group and the partitions of the
 * given topics (`topic` or `topic:0,1`), then ConsumerGroupCommand's summary line and its
 * TOPIC / PARTITION / STATUS table. A topic that does not exist gets a row of its own with
 * partition "Not Provided", as in Kafka.
 */
import { OffsetDelete } from '../../protocol/generated/offset-delete.js'
import { ErrorCode, errorName } from '../../protocol/error-codes.js'
import type { TopicPartition } from '../client/group-offsets.js'
import type { ToolClient } from '../client/tool-client.js'
import { defaultMessage } from '../client/tool-error.js'
import { pad } from '../tool-args.js'
import type { ToolIO } from '../tool.js'
import { parseTopicArgs } from './topic-args.js'

/** Kafka's exception classes for the codes OffsetDelete answers with. */
const EXCEPTIONS: Readonly<Record<number, string>> = {
  [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC]: 'GroupSubscribedToTopicException',
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]: 'UnknownTopicOrPartitionException',
  [ErrorCode.GROUP_ID_NOT_FOUND]: 'GroupIdNotFoundException',
  [ErrorCode.NON_EMPTY_GROUP]: 'GroupNotEmptyException',
  [ErrorCode.INVALID_GROUP_ID]: 'InvalidGroupIdException',
  [ErrorCode.GROUP_AUTHORIZATION_FAILED]: 'GroupAuthorizationException',
  [ErrorCode.TOPIC_AUTHORIZATION_FAILED]: 'TopicAuthorizationException',
  [ErrorCode.COORDINATOR_NOT_AVAILABLE]: 'CoordinatorNotAvailableException',
  [ErrorCode.NOT_COORDINATOR]: 'NotCoordinatorException',
}

/** What Java's ExecutionException.getMessage() shows for a failed future. */
function exceptionText(code: number): string {
  return `org.apache.kafka.common.errors.${EXCEPTIONS[code] ?? 'KafkaException'}: ${defaultMessage(code)}`
}

/** The summary ConsumerGroupCommand prints for the request-level (or first partition) error. */
function summary(code: number, groupId: string, topics: readonly string[]): string {
  switch (code) {
    case ErrorCode.NONE:
      return `Request succeed for deleting offsets with topic ${topics.join(', ')} group ${groupId}\n`
    case ErrorCode.INVALID_GROUP_ID:
      return `\nError: '${groupId}' is not valid.\n`
    case ErrorCode.GROUP_ID_NOT_FOUND:
      return `\nError: '${groupId}' does not exist.\n`
    case ErrorCode.GROUP_AUTHORIZATION_FAILED:
      return `\nError: Access to '${groupId}' is not authorized.\n`
    case ErrorCode.NON_EMPTY_GROUP:
      return `\nError: Deleting offsets of a consumer group '${groupId}' is forbidden if the group is not empty.\n`
    case ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC:
    case ErrorCode.TOPIC_AUTHORIZATION_FAILED:
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      return '\nError: Encounter some partition level error, see the follow-up details:\n'
    default:
      return `\nError: Encounter some unknown error: ${errorName(code)}\n`
  }
}

export async function deleteOffsets(client: ToolClient, groupId: string, topicArgs: readonly string[], io: ToolIO): Promise<void> {
  const { partitions, missing } = await resolvePartitions(client, topicArgs)
  const results = new Map<TopicPartition, number>()
  let topLevel: number = missing.length > 0 ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE
  if (partitions.length > 0) {
    const byTopic = new Map<string, number[]>()
    for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition])
    const response = await client.send(
      OffsetDelete,
      { groupId, topics: [...byTopic].map(([name, list]) => ({ name, partitions: list.map((partitionIndex) => ({ partitionIndex })) })) },
      { nodeId: await client.findCoordinator(groupId) },
    )
    const codes = new Map<string, number>()
    for (const t of response.topics) for (const p of t.partitions) codes.set(`${t.name}\0${p.partitionIndex}`, p.errorCode)
    for (const p of partitions) {
      const code = response.errorCode !== ErrorCode.NONE ? response.errorCode : (codes.get(`${p.topic}\0${p.partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR)
      results.set(p, code)
    }
    // As the admin client's all(): the request's error, else the first failed partition's.
    const firstFailed = [...results.values()].find((c) => c !== ErrorCode.NONE)
    topLevel = response.errorCode !== ErrorCode.NONE ? response.errorCode : (firstFailed ?? topLevel)
  }
  io.stdout(summary(topLevel, groupId, topicArgs))
  const rows: [string, string, string][] = [
    ...[...results].map(([tp, code]): [string, string, string] => [tp.topic, String(tp.partition), code === ErrorCode.NONE ? 'Successful' : `Error: :${exceptionText(code)}`]),
    ...missing.map((topic): [string, string, string] => [topic, 'Not Provided', `Error: :${exceptionText(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)}`]),
  ]
  // Kafka sorts on topic + partition as one string.
  rows.sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : a[0] + a[1] > b[0] + b[1] ? 1 : 0))
  const line = (t: string, p: string, s: string): string => `\n${pad(t, 30)} ${pad(p, 15)} ${pad(s, 15)}`
  io.stdout(line('TOPIC', 'PARTITION', 'STATUS'))
  for (const [t, p, s] of rows) io.stdout(line(t, p, s))
  io.stdout('\n')
}

/** Explicit `topic:0,1` partitions, and every partition of plain topic names that exist. */
async function resolvePartitions(client: ToolClient, topicArgs: readonly string[]): Promise<{ partitions: TopicPartition[]; missing: string[] }> {
  const { partitions, whole } = parseTopicArgs(topicArgs)
  const missing: string[] = []
  if (whole.length > 0) {
    const md = await client.metadata([...new Set(whole)])
    for (const t of md.topics) {
      if (t.errorCode !== ErrorCode.NONE) missing.push(t.name as string)
      else for (const p of t.partitions) partitions.push({ topic: t.name as string, partition: p.partitionIndex })
    }
  }
  return { partitions, missing }
}
