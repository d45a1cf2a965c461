/**
 * Consumer groups with the Python clients over TCP: confluent-kafka (librdkafka) group consume
 * and commit, and static membership; kafka-python with manual commits over its old versions
 * (JoinGroup v2, OffsetCommit v2, OffsetFetch v1). Debian's packages need /usr/bin/python3.
 */
import { execFile, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Kafka, logLevel } from 'kafkajs'
import type { Admin } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startBroker } from '../src/index.js'
import type { BrokerHandle } from '../src/index.js'
import { eventually, uniqueName } from './helpers/index.js'

const run = promisify(execFile)
const script = (name: string) => fileURLToPath(new URL(`./python-groups/${name}`, import.meta.url))

let broker: BrokerHandle
let kafka: Kafka
let admin: Admin

beforeAll(async () => {
  broker = await startBroker()
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  admin = kafka.admin()
  await admin.connect()
})
afterAll(async () => {
  await admin?.disconnect()
  await broker?.close()
})

async function produce(topic: string, values: readonly string[], partitions: number): Promise<void> {
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic, messages: values.map((value, i) => ({ value, partition: i % partitions })) })
  await producer.disconnect()
}

interface GroupRun {
  readonly values: string[]
  readonly committed: [number, number][]
}

async function groupRun(file: string, topic: string, groupId: string, expected: number): Promise<GroupRun> {
  const { stdout } = await run('/usr/bin/python3', [script(file), broker.bootstrap, topic, groupId, String(expected)], { timeout: 60_000 })
  return JSON.parse(stdout) as GroupRun
}

const fetched = async (groupId: string, topic: string) =>
  (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => [p.partition, Number(p.offset)]).sort((a, b) => a[0]! - b[0]!)

describe.each([
  ['confluent-kafka', 'confluent_group.py'],
  ['kafka-python', 'kafka_python_group.py'],
])('%s group consumer', (_client, file) => {
  it('consumes, commits, and a later member of the group resumes from the commit', async () => {
    const topic = uniqueName('py-groups')
    const groupId = uniqueName('g')
    await broker.cluster.createTopic({ name: topic, partitions: 2 })
    await produce(topic, ['a', 'b', 'c', 'd'], 2)
    const first = await groupRun(file, topic, groupId, 4)
    expect([...first.values].sort()).toEqual(['a', 'b', 'c', 'd'])
    expect(first.committed).toEqual([[0, 2], [1, 2]])
    expect(await fetched(groupId, topic)).toEqual([[0, 2], [1, 2]])

    await produce(topic, ['e', 'f'], 2)
    const second = await groupRun(file, topic, groupId, 2)
    expect([...second.values].sort()).toEqual(['e', 'f'])
    expect(await fetched(groupId, topic)).toEqual([[0, 3], [1, 3]])
  })
})

interface AssignmentEvent {
  readonly event: 'assign' | 'revoke'
  readonly partitions: number[]
}

/** A static member process and the assignment callbacks it has reported so far. */
function staticMember(topic: string, groupId: string, instanceId: string, mode: 'once' | 'forever') {
  const child = spawn('/usr/bin/python3', [script('confluent_static.py'), broker.bootstrap, topic, groupId, instanceId, mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const events: AssignmentEvent[] = []
  let buffered = ''
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    for (const line of lines) events.push(JSON.parse(line) as AssignmentEvent)
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { child, events, exited, assigned: () => events.filter((e) => e.event === 'assign' && e.partitions.length > 0) }
}

describe('confluent-kafka static membership', () => {
  it('a static member that restarts within its session gets its partitions back without a rebalance', async () => {
    const topic = uniqueName('static')
    const groupId = uniqueName('g')
    await broker.cluster.createTopic({ name: topic, partitions: 4 })
    const steady = staticMember(topic, groupId, 'steady', 'forever')
    onTestFinished(() => void steady.child.kill())
    // The restarting member joins a group the steady one is already in, so that its first
    // assignment (after which it exits) comes from a generation with both: started together, it
    // could join first, take all four partitions and leave before the steady member arrives.
    await eventually(() => expect(steady.assigned()).not.toHaveLength(0), { timeoutMs: 30_000 })
    const first = staticMember(topic, groupId, 'restarting', 'once')
    onTestFinished(() => void first.child.kill())
    expect(await first.exited).toBe(0)
    const before = first.assigned().at(-1)!.partitions
    // Both members hold partitions now; the steady member's callbacks so far are the baseline.
    const steadyHolds = await eventually(() => {
      const last = steady.assigned().at(-1)
      expect(last?.partitions.length).toBe(4 - before.length)
      return last!.partitions
    })
    expect([...before, ...steadyHolds].sort()).toEqual([0, 1, 2, 3])
    const baseline = steady.events.length

    const again = staticMember(topic, groupId, 'restarting', 'once')
    onTestFinished(() => void again.child.kill())
    expect(await again.exited).toBe(0)
    expect(again.assigned().at(-1)!.partitions).toEqual(before)
    // A rebalance would have revoked and reassigned the steady member before the rejoin completed.
    expect(steady.events.slice(baseline)).toEqual([])
    const { groups: [group] } = await admin.describeGroups([groupId])
    expect(group).toMatchObject({ state: 'Stable' })
    expect(group!.members).toHaveLength(2)
    steady.child.stdin.end()
    expect(await steady.exited).toBe(0)
  })
})
