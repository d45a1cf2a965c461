// Topic changes survive a restart: created topics keep their ids, configs, partitions and data;
// deleted ones stay gone, also when a topic of the same name was created again.
import { readdir } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import type { Broker } from '../src/broker.js'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { CreatePartitions } from '../src/protocol/generated/create-partitions.js'
import { CreateTopics } from '../src/protocol/generated/create-topics.js'
import { DeleteTopics } from '../src/protocol/generated/delete-topics.js'
import { ZERO_UUID } from '../src/protocol/primitives/uuid.js'
import { buildBatch } from '../src/protocol/records/batch-builder.js'
import { tempDir } from './helpers/index.js'
import { startTestBroker } from './helpers/broker.js'
import { RawClient } from './helpers/raw-client.js'

const brokers: Broker[] = []
afterEach(async () => {
  for (const b of brokers.splice(0)) await b.close()
})

async function start(dir: string): Promise<Broker> {
  const broker = await startTestBroker({ config: { 'log.dirs': dir } })
  brokers.push(broker)
  return broker
}

async function admin(broker: Broker) {
  const client = await RawClient.connect(broker.bootstrap)
  return {
    async create(name: string, numPartitions: number, configs: Record<string, string> = {}) {
      client.send(CreateTopics, 7, {
        topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
        timeoutMs: 5000,
        validateOnly: false,
      })
      const [result] = (await client.receive(CreateTopics, 7)).body.topics
      expect(result?.errorCode).toBe(ErrorCode.NONE)
      return result!.topicId
    },
    async grow(name: string, count: number) {
      client.send(CreatePartitions, 3, { topics: [{ name, count, assignments: null }], timeoutMs: 5000, validateOnly: false })
      expect((await client.receive(CreatePartitions, 3)).body.results[0]?.errorCode).toBe(ErrorCode.NONE)
    },
    async delete(name: string) {
      client.send(DeleteTopics, 6, { topics: [{ name, topicId: ZERO_UUID }], topicNames: [], timeoutMs: 5000 })
      expect((await client.receive(DeleteTopics, 6)).body.responses[0]?.errorCode).toBe(ErrorCode.NONE)
    },
    close: () => client.close(),
  }
}

const batch = (n: number) => buildBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`r${i}`), timestamp: Date.now() })), { partitionLeaderEpoch: 0 })

describe('topic administration across a restart', () => {
  it('keeps created topics with ids, configs, added partitions and data; deleted topics stay deleted', async () => {
    const dir = tempDir()
    const first = await start(dir)
    const a = await admin(first)
    const keepId = await a.create('keep', 2, { 'retention.ms': '86400000', 'max.message.bytes': '2048' })
    await a.grow('keep', 3)
    await a.create('drop', 1)
    const oldRecycledId = await a.create('recycled', 1)
    await first.replicas.partition('keep', 0)!.append(batch(5))
    await first.replicas.partition('recycled', 0)!.append(batch(3))
    await a.delete('drop')
    await a.delete('recycled')
    const recycledId = await a.create('recycled', 2)
    a.close()
    await first.close()
    brokers.splice(0)

    const second = await start(dir)
    expect([...second.cluster.topics.list()].map((t) => [t.name, t.topicId, t.partitions])).toEqual([
      ['keep', keepId, 3],
      ['recycled', recycledId, 2],
    ])
    expect(recycledId).not.toBe(oldRecycledId)
    expect(second.cluster.topics.get('keep')?.configs).toEqual({ 'retention.ms': '86400000', 'max.message.bytes': '2048' })
    const keep0 = second.replicas.partition('keep', 0)!
    expect(keep0).toMatchObject({ topicId: keepId, logEndOffset: 5 })
    expect(keep0.config).toMatchObject({ retentionMs: 86400000, maxMessageBytes: 2048 })
    expect(second.replicas.partition('keep', 2)).toMatchObject({ topicId: keepId, logEndOffset: 0 })
    expect(second.replicas.partition('recycled', 0)).toMatchObject({ topicId: recycledId, logEndOffset: 0 })
    expect(second.replicas.partition('drop', 0)).toBeUndefined()
    const dirs = await readdir(dir)
    expect(dirs.filter((d) => /^(keep|recycled|drop)-\d+$/.test(d)).sort()).toEqual(['keep-0', 'keep-1', 'keep-2', 'recycled-0', 'recycled-1'])
  })

  it('wakes fetches waiting on the partitions of a topic being deleted', async () => {
    const broker = await start(tempDir())
    const a = await admin(broker)
    await a.create('watched', 1)
    const waiting = broker.replicas.partition('watched', 0)!.waitForAppend(0)
    await a.delete('watched')
    expect(await waiting).toBe(false)
    a.close()
  })

  it('applies a delete and a create of one name in order, so the new topic gets fresh logs', async () => {
    const broker = await start(tempDir())
    const { admin: topics } = broker.cluster
    const old = await broker.cluster.createTopic({ name: 'again', partitions: 2 })
    await broker.replicas.partition('again', 0)!.append(batch(4))
    const [deleted, [created]] = await Promise.all([
      topics.deleteTopics([{ name: 'again' }]),
      topics.createTopics([{ name: 'again', numPartitions: 1, replicationFactor: -1 }]),
    ])
    expect(deleted).toEqual([{ name: 'again', topicId: old.topicId, error: null }])
    const fresh = broker.cluster.topics.get('again')!
    expect(created).toMatchObject({ topicId: fresh.topicId, numPartitions: 1 })
    expect(fresh.topicId).not.toBe(old.topicId)
    expect(broker.replicas.partition('again', 0)).toMatchObject({ topicId: fresh.topicId, logEndOffset: 0 })
    expect(broker.replicas.partition('again', 1)).toBeUndefined()
  })
})
