/**
 * kafka-topics --describe: one tab-separated line per topic and one per partition, exactly as
 * TopicCommand prints them, with its report filters (under-replicated, unavailable, min ISR,
 * overrides). Partitions come from DescribeTopicPartitions when the broker has it, else
 * Metadata (which carries no ELR: printed as N/A, as Kafka does).
 */
import { DescribeConfigs } from '../protocol/generated/describe-configs.js'
import type { DescribeConfigsResourceResult } from '../protocol/generated/describe-configs.js'
import { DescribeTopicPartitions } from '../protocol/generated/describe-topic-partitions.js'
import type { DescribeTopicPartitionsRequestCursor, DescribeTopicPartitionsResponse } from '../protocol/generated/describe-topic-partitions.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ZERO_UUID } from '../protocol/primitives/uuid.js'
import type { ToolClient } from './client/tool-client.js'
import { KafkaResponseError } from './client/tool-error.js'
import type { ParsedArgs } from './tool-args.js'
import type { ToolIO } from './tool.js'

interface PartitionInfo {
  readonly partition: number
  readonly leader: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
  readonly elr: readonly number[] | null
  readonly lastKnownElr: readonly number[] | null
}

interface TopicInfo {
  readonly name: string
  readonly topicId: string
  readonly partitions: PartitionInfo[]
}

/** ConfigSource DEFAULT_CONFIG: the one source TopicCommand leaves out of `Configs:`. */
const DEFAULT_CONFIG = 5
const TOPIC_RESOURCE = 2

export async function describeTopics(client: ToolClient, args: ParsedArgs, io: ToolIO, topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return
  const limit = args.int('partition-size-limit-per-response') ?? 2000
  const described = client.supports(DescribeTopicPartitions) ? await viaDescribeTopicPartitions(client, topics, limit) : await viaMetadata(client, topics)
  const configs = await topicConfigs(client, topics)
  const liveBrokers = new Set((await client.metadata([])).brokers.map((b) => b.nodeId))

  const reports = {
    underReplicated: args.has('under-replicated-partitions'),
    unavailable: args.has('unavailable-partitions'),
    underMinIsr: args.has('under-min-isr-partitions'),
    atMinIsr: args.has('at-min-isr-partitions'),
  }
  const describeConfigs = !reports.underReplicated && !reports.unavailable && !reports.underMinIsr && !reports.atMinIsr
  const describePartitions = !args.has('topics-with-overrides')

  for (const topic of described) {
    const entries = configs.get(topic.name) ?? []
    const minIsr = Number(entries.find((e) => e.name === 'min.insync.replicas')?.value ?? '1')
    const partitions = [...topic.partitions].sort((a, b) => a.partition - b.partition)
    if (describeConfigs) {
      const overrides = entries.filter((e) => e.configSource !== DEFAULT_CONFIG)
      if (describePartitions || overrides.length > 0) {
        let line = `Topic: ${topic.name}`
        if (topic.topicId !== ZERO_UUID) line += `\tTopicId: ${topic.topicId}`
        line += `\tPartitionCount: ${partitions.length}`
        line += `\tReplicationFactor: ${partitions[0]?.replicas.length ?? 0}`
        line += `\tConfigs: ${overrides.map((e) => `${e.name}=${e.value}`).join(',')}`
        io.stdout(`${line}\n`)
      }
    }
    if (!describePartitions) continue
    for (const p of partitions) {
      const hasLeader = p.leader >= 0
      const print =
        describeConfigs ||
        (reports.underReplicated && p.replicas.length - p.isr.length > 0) ||
        (reports.unavailable && (!hasLeader || !liveBrokers.has(p.leader))) ||
        (reports.underMinIsr && (!hasLeader || p.isr.length < minIsr)) ||
        (reports.atMinIsr && p.isr.length === minIsr)
      if (print) io.stdout(`${partitionLine(topic.name, p)}\n`)
    }
  }
}

function partitionLine(topic: string, p: PartitionInfo): string {
  const ids = (nodes: readonly number[] | null): string => (nodes === null ? 'N/A' : nodes.join(','))
  return (
    `\tTopic: ${topic}\tPartition: ${p.partition}\tLeader: ${p.leader >= 0 ? p.leader : 'none'}` +
    `\tReplicas: ${ids(p.replicas)}\tIsr: ${ids(p.isr)}\tElr: ${ids(p.elr)}\tLastKnownElr: ${ids(p.lastKnownElr)}`
  )
}

async function viaDescribeTopicPartitions(client: ToolClient, topics: readonly string[], limit: number): Promise<TopicInfo[]> {
  const byName = new Map<string, TopicInfo>()
  let cursor: DescribeTopicPartitionsRequestCursor | null = null
  do {
    const response: DescribeTopicPartitionsResponse = await client.send(DescribeTopicPartitions, {
      topics: topics.map((name) => ({ name })),
      responsePartitionLimit: limit,
      cursor,
    })
    for (const t of response.topics) {
      if (t.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(t.errorCode)
      const name = t.name as string
      const info: TopicInfo = byName.get(name) ?? { name, topicId: t.topicId, partitions: [] }
      byName.set(name, info)
      for (const p of t.partitions) {
        info.partitions.push({
          partition: p.partitionIndex,
          leader: p.leaderId,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          elr: p.eligibleLeaderReplicas,
          lastKnownElr: p.lastKnownElr,
        })
      }
    }
    cursor = response.nextCursor
  } while (cursor !== null)
  return topics.flatMap((t) => byName.get(t) ?? [])
}

async function viaMetadata(client: ToolClient, topics: readonly string[]): Promise<TopicInfo[]> {
  const md = await client.metadata(topics)
  return md.topics.map((t) => {
    if (t.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(t.errorCode)
    return {
      name: t.name as string,
      topicId: t.topicId,
      partitions: t.partitions.map((p) => ({
        partition: p.partitionIndex,
        leader: p.leaderId,
        replicas: p.replicaNodes,
        isr: p.isrNodes,
        elr: null,
        lastKnownElr: null,
      })),
    }
  })
}

async function topicConfigs(client: ToolClient, topics: readonly string[]): Promise<Map<string, DescribeConfigsResourceResult[]>> {
  const response = await client.send(DescribeConfigs, {
    resources: topics.map((resourceName) => ({ resourceType: TOPIC_RESOURCE, resourceName, configurationKeys: null })),
    includeSynonyms: false,
    includeDocumentation: false,
  })
  const out = new Map<string, DescribeConfigsResourceResult[]>()
  for (const r of response.results) {
    if (r.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(r.errorCode, r.errorMessage)
    out.set(r.resourceName, r.configs)
  }
  return out
}
