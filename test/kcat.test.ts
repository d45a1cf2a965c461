import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker } from '../src/index.js'
import type { BrokerHandle } from '../src/index.js'
import { uniqueName } from './helpers/index.js'

const run = promisify(execFile)

interface KcatMetadata {
  originating_broker: { id: number; name: string }
  brokers: { id: number; name: string }[]
  topics: { topic: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[]
}

let broker: BrokerHandle
beforeAll(async () => {
  broker = await startBroker()
})
afterAll(() => broker.close())

async function kcatList(...args: string[]): Promise<KcatMetadata> {
  const { stdout } = await run('kcat', ['-b', broker.bootstrap, '-L', '-J', '-m', '10', ...args])
  return JSON.parse(stdout) as KcatMetadata
}

describe('kcat (librdkafka)', () => {
  it('lists the broker with its id, host and port', async () => {
    const md = await kcatList()
    expect(md.brokers).toEqual([{ id: 1, name: `127.0.0.1:${broker.port}` }])
    expect(md.originating_broker.id).toBe(1)
  })

  it('lists topics with their partitions led by this node', async () => {
    const name = uniqueName('kcat')
    await broker.cluster.createTopic({ name, partitions: 3 })
    const topic = (await kcatList()).topics.find((t) => t.topic === name)
    expect(topic?.partitions.map((p) => [p.partition, p.leader, p.replicas.map((r) => r.id), p.isrs.map((r) => r.id)])).toEqual([
      [0, 1, [1], [1]],
      [1, 1, [1], [1]],
      [2, 1, [1], [1]],
    ])
  })

  it('asks for a single topic', async () => {
    const name = uniqueName('kcat-one')
    await broker.cluster.createTopic({ name, partitions: 2 })
    const md = await kcatList('-t', name)
    expect(md.topics.map((t) => [t.topic, t.partitions.length])).toEqual([[name, 2]])
  })
})
