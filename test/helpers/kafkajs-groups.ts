/**
 * kafkajs consumer groups for end-to-end tests: members that remember the assignment of their
 * latest join, a member in a child process (to kill it without a LeaveGroup), and the group as
 * DescribeGroups shows it, with each member's assignment decoded.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { AssignerProtocol } from 'kafkajs'
import type { Admin, Consumer, ConsumerConfig, Kafka } from 'kafkajs'
import { expect } from 'vitest'
import { eventually } from './index.js'

export interface GroupMember {
  readonly consumer: Consumer
  /** The member id and partitions of the latest join; undefined before the first. */
  latest: { memberId: string; partitions: number[] } | undefined
}

/** Connects, subscribes and runs a consumer that records its assignments and the messages it gets. */
export async function joinMember(kafka: Kafka, topic: string, config: ConsumerConfig, received: string[] = []): Promise<GroupMember> {
  const consumer = kafka.consumer(config)
  const member: GroupMember = { consumer, latest: undefined }
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    member.latest = { memberId: e.payload.memberId, partitions: [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b) }
  })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value?.toString() ?? '') })
  return member
}

export interface DescribedGroup {
  readonly state: string
  /** Member id → its assigned partitions of the topic, sorted. */
  readonly assignments: Map<string, number[]>
}

/** Kafka's protocol metadata and assignments are opaque to the broker; kafkajs decodes them. */
export async function describeGroup(admin: Admin, groupId: string, topic: string): Promise<DescribedGroup> {
  const { groups } = await admin.describeGroups([groupId])
  const g = groups[0]!
  const assignments = new Map<string, number[]>()
  for (const m of g.members) {
    const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment)
    assignments.set(m.memberId, [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b))
  }
  return { state: g.state, assignments }
}

/**
 * Waits until the group is Stable with `members` members whose assignments are disjoint and
 * cover partitions 0..partitions-1; returns them.
 */
export async function stableAssignment(admin: Admin, groupId: string, topic: string, members: number, partitions: number, timeoutMs = 20_000): Promise<Map<string, number[]>> {
  return eventually(
    async () => {
      const g = await describeGroup(admin, groupId, topic)
      expect(g.state).toBe('Stable')
      expect(g.assignments.size).toBe(members)
      const all = [...g.assignments.values()].flat().sort((a, b) => a - b)
      expect(all).toEqual(Array.from({ length: partitions }, (_, i) => i))
      for (const parts of g.assignments.values()) expect(parts.length).toBeGreaterThan(0)
      return g.assignments
    },
    { timeoutMs, intervalMs: 100 },
  )
}

const CHILD_MEMBER = `
import { Kafka, logLevel } from 'kafkajs'
const [bootstrap, topic, groupId, sessionTimeout] = process.argv.slice(1)
const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING })
const consumer = kafka.consumer({ groupId, sessionTimeout: Number(sessionTimeout), heartbeatInterval: 200, maxWaitTimeInMs: 100 })
consumer.on(consumer.events.GROUP_JOIN, (e) => console.log(JSON.stringify({ memberId: e.payload.memberId })))
await consumer.connect()
await consumer.subscribe({ topic, fromBeginning: true })
await consumer.run({ eachMessage: async () => {} })
`

/** A kafkajs member in its own process; SIGKILL it to lose it without a LeaveGroup. */
export function childMember(bootstrap: string, topic: string, groupId: string, sessionTimeoutMs: number): { child: ChildProcess; memberIds: string[] } {
  const root = fileURLToPath(new URL('../..', import.meta.url))
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_MEMBER, bootstrap, topic, groupId, String(sessionTimeoutMs)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const memberIds: string[] = []
  let buffered = ''
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    for (const line of lines) memberIds.push((JSON.parse(line) as { memberId: string }).memberId)
  })
  return { child, memberIds }
}
