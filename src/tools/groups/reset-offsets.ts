/**
 * kafka-consumer-groups --reset-offsets: plans new offsets for an inactive group (Empty or
 * Dead) by scenario, clamps explicit ones into the log's range as GroupOffsetsResetter does,
 * and commits them only with --execute (dry run otherwise).
 */
import { readFile } from 'node:fs/promises'
import { commitOffsets, EARLIEST, fetchCommitted, LATEST, listOffsets, tpKey } from '../client/group-offsets.js'
import type { OffsetToCommit, TopicPartition } from '../client/group-offsets.js'
import type { ToolClient } from '../client/tool-client.js'
import { ToolError } from '../client/tool-error.js'
import { partitionsOf } from '../client/topic-metadata.js'
import type { PartitionLayout } from '../client/topic-metadata.js'
import { UsageError } from '../tool-args.js'
import type { ParsedArgs } from '../tool-args.js'
import type { ToolIO } from '../tool.js'
import { describeGroup } from './group-info.js'
import { parseTopicArgs } from './topic-args.js'

export const RESET_SCENARIOS = ['to-offset', 'to-datetime', 'by-duration', 'to-earliest', 'to-latest', 'shift-by', 'from-file', 'to-current'] as const

/** New offsets by group; a group that may not be reset maps to none. */
export async function resetOffsets(client: ToolClient, groupIds: readonly string[], args: ParsedArgs, io: ToolIO): Promise<Map<string, OffsetToCommit[]>> {
  const execute = args.has('execute') && !args.has('dry-run')
  const out = new Map<string, OffsetToCommit[]>()
  const fromFile = args.has('from-file') ? await readResetPlan(args.value('from-file') as string, groupIds) : undefined
  for (const groupId of groupIds) {
    const group = await describeGroup(client, groupId)
    if (group.state !== 'Empty' && group.state !== 'Dead') {
      io.stdout(`\nError: Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${group.state}.\n`)
      out.set(groupId, [])
      continue
    }
    const coordinator = group.coordinator.nodeId
    const committed = await fetchCommitted(client, coordinator, groupId, null)
    let partitions: TopicPartition[]
    if (fromFile !== undefined) {
      const planned = fromFile.get(groupId)
      if (planned === undefined) {
        io.stdout(`\nError: No reset plan for group ${groupId} found\n`)
        out.set(groupId, [])
        continue
      }
      const layouts = await checkPartitions(client, planned)
      const offsets = await clamp(client, layouts, new Map(planned.map((o) => [tpKey(o), o.offset])), io)
      if (execute) await commitOffsets(client, coordinator, groupId, offsets)
      out.set(groupId, offsets)
      continue
    }
    if (args.has('all-topics')) partitions = [...committed.values()].map((c) => c.tp)
    else if (args.has('topic')) partitions = await parseTopics(client, args.values('topic'))
    else throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.')
    const layouts = await checkPartitions(client, partitions)
    const planned = await plan(client, layouts, committed, args, io)
    if (execute) await commitOffsets(client, coordinator, groupId, planned)
    out.set(groupId, planned)
  }
  return out
}

/**
 * A reset plan in the CSV `--export` writes: `topic,partition,offset` for a single --group,
 * `group,topic,partition,offset` otherwise (either form is read when one group is named).
 */
export async function readResetPlan(path: string, groupIds: readonly string[]): Promise<Map<string, OffsetToCommit[]>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new ToolError(`java.nio.file.NoSuchFileException: ${path}${(err as NodeJS.ErrnoException).code === 'ENOENT' ? '' : ` (${(err as Error).message})`}`)
  }
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''))
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  const singleGroup = groupIds.length === 1 && (lines[0] ?? '').split(',').length === 3
  const plan = new Map<string, OffsetToCommit[]>()
  for (const line of lines) {
    const cells = line.split(',')
    if (cells.length !== (singleGroup ? 3 : 4)) throw new ToolError(`Invalid reset plan line '${line}': expected ${singleGroup ? 'topic,partition,offset' : 'group,topic,partition,offset'}`)
    const [group, topic, partition, offset] = singleGroup ? [groupIds[0] as string, ...cells] : cells
    if (!/^\d+$/.test(partition as string) || !/^-?\d+$/.test(offset as string)) throw new ToolError(`Invalid reset plan line '${line}': partition and offset must be numbers`)
    const list = plan.get(group as string) ?? []
    list.push({ topic: topic as string, partition: Number(partition), offset: BigInt(offset as string) })
    plan.set(group as string, list)
  }
  return plan
}

async function parseTopics(client: ToolClient, topicArgs: readonly string[]): Promise<TopicPartition[]> {
  const { partitions: out, whole } = parseTopicArgs(topicArgs)
  for (const layout of await partitionsOf(client, whole)) out.push({ topic: layout.topic, partition: layout.partition })
  return out
}

/** The layouts of `partitions`; each must exist and have a leader. */
async function checkPartitions(client: ToolClient, partitions: readonly TopicPartition[]): Promise<PartitionLayout[]> {
  const known = new Map((await partitionsOf(client, partitions.map((p) => p.topic))).map((l) => [tpKey(l), l]))
  const missing = partitions.filter((p) => !known.has(tpKey(p)))
  if (missing.length > 0) throw new ToolError(`The partitions "${missing.map(tpKey).join(',')}" do not exist`)
  const layouts = partitions.map((p) => known.get(tpKey(p)) as PartitionLayout)
  const leaderless = layouts.filter((l) => l.leader < 0)
  if (leaderless.length > 0) throw new ToolError(`The partitions "${leaderless.map(tpKey).join(',')}" have no leader`)
  return layouts
}

async function plan(
  client: ToolClient,
  layouts: readonly PartitionLayout[],
  committed: ReadonlyMap<string, { offset: bigint }>,
  args: ParsedArgs,
  io: ToolIO,
): Promise<OffsetToCommit[]> {
  const at = (offsets: ReadonlyMap<string, bigint>): OffsetToCommit[] =>
    layouts.map((l) => ({ topic: l.topic, partition: l.partition, offset: offsets.get(tpKey(l)) ?? -1n }))
  if (args.has('to-offset')) {
    const target = BigInt(args.int('to-offset') ?? 0)
    return clamp(client, layouts, new Map(layouts.map((l) => [tpKey(l), target])), io)
  }
  if (args.has('to-earliest')) return at(await listOffsets(client, layouts, EARLIEST))
  if (args.has('to-latest')) return at(await listOffsets(client, layouts, LATEST))
  if (args.has('shift-by')) {
    const shift = BigInt(args.int('shift-by') ?? 0)
    const requested = new Map<string, bigint>()
    for (const l of layouts) {
      const current = committed.get(tpKey(l))
      if (current === undefined) throw new UsageError(`Cannot shift offset for partition ${tpKey(l)} since there is no current committed offset`)
      requested.set(tpKey(l), current.offset + shift)
    }
    return clamp(client, layouts, requested, io)
  }
  if (args.has('to-datetime')) return byTimestamp(client, layouts, parseDateTime(args.value('to-datetime') as string), io)
  if (args.has('by-duration')) return byTimestamp(client, layouts, Date.now() - parseDuration(args.value('by-duration') as string), io)
  if (args.has('to-current')) {
    const ends = await listOffsets(client, layouts, LATEST)
    return layouts.map((l) => ({ topic: l.topic, partition: l.partition, offset: committed.get(tpKey(l))?.offset ?? ends.get(tpKey(l)) ?? -1n }))
  }
  throw new UsageError(`Option '[reset-offsets]' requires one of the following scenarios: [${RESET_SCENARIOS.join(', ')}]`)
}

async function clamp(client: ToolClient, layouts: readonly PartitionLayout[], requested: ReadonlyMap<string, bigint>, io: ToolIO): Promise<OffsetToCommit[]> {
  const starts = await listOffsets(client, layouts, EARLIEST)
  const ends = await listOffsets(client, layouts, LATEST)
  return layouts.map((l) => {
    const key = tpKey(l)
    let offset = requested.get(key) as bigint
    const end = ends.get(key) as bigint
    const start = starts.get(key) as bigint
    const warn = (what: string, value: bigint): void => {
      io.stderr(`WARN New offset (${offset}) is ${what} offset for topic partition ${key}. Value will be set to ${value}. (org.apache.kafka.tools.GroupOffsetsResetter)\n`)
      offset = value
    }
    if (offset > end) warn('higher than latest', end)
    else if (offset < start) warn('lower than earliest', start)
    return { topic: l.topic, partition: l.partition, offset }
  })
}

async function byTimestamp(client: ToolClient, layouts: readonly PartitionLayout[], timestamp: number, io: ToolIO): Promise<OffsetToCommit[]> {
  const found = await listOffsets(client, layouts, BigInt(timestamp))
  const empty = layouts.filter((l) => (found.get(tpKey(l)) ?? -1n) < 0n)
  for (const l of empty) io.stdout(`\nWarn: Partition ${l.partition} from topic ${l.topic} is empty. Falling back to latest known offset.\n`)
  const ends = await listOffsets(client, empty, LATEST)
  return layouts.map((l) => {
    const key = tpKey(l)
    const offset = (found.get(key) ?? -1n) >= 0n ? (found.get(key) as bigint) : (ends.get(key) ?? -1n)
    return { topic: l.topic, partition: l.partition, offset }
  })
}

/** Kafka's Utils.getDateTime: `yyyy-MM-ddTHH:mm:ss.SSS`, with an optional zone; local time without one. */
export function parseDateTime(text: string): number {
  const parts = text.split('T')
  const time = Date.parse(text)
  if (parts.length !== 2 || Number.isNaN(time)) {
    throw new UsageError(`Error parsing timestamp '${text}'. The expected format is yyyy-MM-dd'T'HH:mm:ss.SSS`)
  }
  return time
}

/** An ISO-8601 duration (PnDTnHnMn.nS) in milliseconds, as java.time.Duration.parse reads it. */
export function parseDuration(text: string): number {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+(?:[.,]\d{0,9})?)S)?)?$/i.exec(text)
  if (m === null || text.endsWith('T') || text.toUpperCase() === 'P') throw new UsageError(`Text cannot be parsed to a Duration: ${text}`)
  const n = (s: string | undefined): number => (s === undefined ? 0 : Number(s.replace(',', '.')))
  const ms = ((n(m[2]) * 24 + n(m[3])) * 60 + n(m[4])) * 60_000 + n(m[5]) * 1000
  return m[1] === '-' ? -ms : ms
}
