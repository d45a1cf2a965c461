/**
 * kafka-consumer-groups --describe: the offsets table (default), --members and --state, in
 * ConsumerGroupCommand's column layout (Java's `%-Ns` widths, rows led by a newline).
 */
import { fetchCommitted, LATEST, listOffsets, tpKey } from '../client/group-offsets.js'
import type { TopicPartition } from '../client/group-offsets.js'
import type { ToolClient } from '../client/tool-client.js'
import { partitionsOf } from '../client/topic-metadata.js'
import { pad } from '../tool-args.js'
import type { ToolIO } from '../tool.js'
import { describeGroup } from './group-info.js'
import type { GroupInfo } from './group-info.js'

const MISSING = '-'

interface OffsetRow {
  readonly group: string
  readonly topic: string
  readonly partition: string
  readonly leaderEpoch: string
  readonly offset: string
  readonly logEnd: string
  readonly lag: string
  readonly consumerId: string
  readonly host: string
  readonly clientId: string
}

export type DescribeView = 'offsets' | 'members' | 'state'

export async function describeGroups(client: ToolClient, groupIds: readonly string[], view: DescribeView, verbose: boolean, io: ToolIO): Promise<void> {
  for (const groupId of [...new Set(groupIds)].sort()) {
    const group = await describeGroup(client, groupId)
    if (view === 'offsets') await printOffsets(client, group, verbose, io)
    else if (view === 'members') printMembers(group, verbose, io)
    else printState(group, io)
  }
}

/** ConsumerGroupCommand.shouldPrintMemberState. */
function shouldPrint(group: GroupInfo, rows: number, io: ToolIO): boolean {
  switch (group.state) {
    case 'Dead':
      io.stdout(`\nError: Consumer group '${group.groupId}' does not exist.\n`)
      return false
    case 'Empty':
      io.stderr(`\nConsumer group '${group.groupId}' has no active members.\n`)
      break
    case 'PreparingRebalance':
    case 'CompletingRebalance':
    case 'Assigning':
    case 'Reconciling':
      io.stderr(`\nWarning: Consumer group '${group.groupId}' is rebalancing.\n`)
      break
  }
  return rows > 0
}

async function printOffsets(client: ToolClient, group: GroupInfo, verbose: boolean, io: ToolIO): Promise<void> {
  const committed = group.state === 'Dead' ? new Map() : await fetchCommitted(client, group.coordinator.nodeId, group.groupId, null)
  const rows: OffsetRow[] = []
  const assigned = new Set<string>()
  const members = group.members.filter((m) => m.assignment.length > 0).sort((a, b) => b.assignment.length - a.assignment.length)
  for (const m of members) {
    m.assignment.forEach((tp) => assigned.add(tpKey(tp)))
    rows.push(...(await partitionRows(client, group.groupId, m.assignment, committed, m.memberId, m.host, m.clientId)))
  }
  const unassigned = [...committed.values()].map((c) => c.tp).filter((tp) => !assigned.has(tpKey(tp)))
  if (unassigned.length > 0) rows.push(...(await partitionRows(client, group.groupId, unassigned, committed, MISSING, MISSING, MISSING)))
  if (!shouldPrint(group, rows.length, io)) return

  const width = (values: string[]): number => Math.max(15, ...values.map((v) => v.length))
  const g = width(rows.map((r) => r.group))
  const t = width(rows.map((r) => r.topic))
  const c = width(rows.map((r) => r.consumerId))
  const h = width(rows.map((r) => r.host))
  const line = (r: OffsetRow): string =>
    `\n${pad(r.group, g)} ${pad(r.topic, t)} ${pad(r.partition, 10)} ${verbose ? `${pad(r.leaderEpoch, 15)} ` : ''}` +
    `${pad(r.offset, 15)} ${pad(r.logEnd, 15)} ${pad(r.lag, 15)} ${pad(r.consumerId, c)} ${pad(r.host, h)} ${r.clientId}`
  io.stdout(
    line({
      group: 'GROUP',
      topic: 'TOPIC',
      partition: 'PARTITION',
      leaderEpoch: 'LEADER-EPOCH',
      offset: 'CURRENT-OFFSET',
      logEnd: 'LOG-END-OFFSET',
      lag: 'LAG',
      consumerId: 'CONSUMER-ID',
      host: 'HOST',
      clientId: 'CLIENT-ID',
    }),
  )
  for (const r of rows) io.stdout(line(r))
  io.stdout('\n')
}

async function partitionRows(
  client: ToolClient,
  group: string,
  partitions: readonly TopicPartition[],
  committed: ReadonlyMap<string, { offset: bigint }>,
  consumerId: string,
  host: string,
  clientId: string,
): Promise<OffsetRow[]> {
  const layouts = await partitionsOf(client, partitions.map((p) => p.topic))
  const wanted = new Set(partitions.map(tpKey))
  const withLeader = layouts.filter((l) => wanted.has(tpKey(l)) && l.leader >= 0)
  const ends = await listOffsets(client, withLeader, LATEST)
  return [...partitions]
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
    .map((tp) => {
      const offset = committed.get(tpKey(tp))?.offset
      const end = ends.get(tpKey(tp))
      const lag = offset !== undefined && offset !== -1n && end !== undefined ? String(end - offset) : MISSING
      return {
        group,
        topic: tp.topic,
        partition: String(tp.partition),
        leaderEpoch: MISSING,
        offset: offset === undefined ? MISSING : String(offset),
        logEnd: end === undefined ? MISSING : String(end),
        lag,
        consumerId,
        host,
        clientId,
      }
    })
}

function assignmentString(assignment: readonly TopicPartition[]): string {
  const byTopic = new Map<string, number[]>()
  for (const tp of assignment) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition])
  return [...byTopic]
    .map(([topic, parts]) => `${topic}:${parts.sort((a, b) => a - b).join(',')}`)
    .sort()
    .join(';')
}

function printMembers(group: GroupInfo, verbose: boolean, io: ToolIO): void {
  const members = group.members
  const printable = shouldPrint(group, members.length, io)
  const width = (values: string[], min = 15): number => Math.max(min, ...(printable ? values.map((v) => v.length) : []))
  const g = width(members.map(() => group.groupId))
  const c = width(members.map((m) => m.memberId))
  const gi = width(members.map((m) => m.groupInstanceId ?? ''), 17)
  const h = width(members.map((m) => m.host))
  const ci = width(members.map((m) => m.clientId))
  const current = width(members.map((m) => (m.assignment.length === 0 ? MISSING : assignmentString(m.assignment))), 20)
  const target = 20
  const withInstance = printable && members.some((m) => (m.groupInstanceId ?? '') !== '')
  const row = (cols: { group: string; id: string; instance: string; host: string; client: string; parts: string }): string =>
    `${pad(cols.group, g)} ${pad(cols.id, c)} ${withInstance ? `${pad(cols.instance, gi)} ` : ''}${pad(cols.host, h)} ${pad(cols.client, ci)} ${pad(cols.parts, 15)} `
  const extra = (cols: [string, string, string, string]): string => (verbose ? `${pad(cols[0], 15)} ${pad(cols[1], current)} ${pad(cols[2], 15)} ${pad(cols[3], target)}` : '')
  io.stdout(`\n${row({ group: 'GROUP', id: 'CONSUMER-ID', instance: 'GROUP-INSTANCE-ID', host: 'HOST', client: 'CLIENT-ID', parts: '#PARTITIONS' })}`)
  io.stdout(`${extra(['CURRENT-EPOCH', 'CURRENT-ASSIGNMENT', 'TARGET-EPOCH', 'TARGET-ASSIGNMENT'])}\n`)
  if (!printable) return
  for (const m of members) {
    const parts = String(m.assignment.length)
    io.stdout(row({ group: group.groupId, id: m.memberId, instance: m.groupInstanceId ?? '', host: m.host, client: m.clientId, parts }))
    io.stdout(`${extra([MISSING, m.assignment.length === 0 ? MISSING : assignmentString(m.assignment), MISSING, MISSING])}\n`)
  }
}

function printState(group: GroupInfo, io: ToolIO): void {
  if (!shouldPrint(group, 1, io)) return
  const coordinator = `${group.coordinator.host}:${group.coordinator.port}  (${group.coordinator.nodeId})`
  const cw = Math.max(25, coordinator.length)
  const gw = Math.max(15, group.groupId.length)
  const line = (a: string, b: string, c: string, d: string, e: string): string => `\n${pad(a, gw)} ${pad(b, cw)} ${pad(c, 20)} ${pad(d, 20)} ${e}`
  io.stdout(line('GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'))
  io.stdout(line(group.groupId, coordinator, group.assignor || MISSING, group.state, String(group.members.length)))
  io.stdout('\n')
}
