import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Kafka, logLevel } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { BrookErrorCode, startBroker } from '../../src/index.js'
import { FindCoordinator } from '../../src/protocol/generated/find-coordinator.js'
import { OffsetCommit } from '../../src/protocol/generated/offset-commit.js'
import { eventually, tempDir, uniqueName } from '../helpers/index.js'
import { RawClient } from '../helpers/raw-client.js'
import globalSetup from './jest-setup/global-setup.js'
import globalTeardown from './jest-setup/global-teardown.js'

const TOPICS = 20
const GROUPS = 5

describe('startBroker options', () => {
  it('binds the port asked for, keeps a given data dir, and removes its own temp dir on close', async () => {
    const port = await freePort()
    const dataDir = tempDir()
    const given = await startBroker({ port, dataDir })
    expect(given.bootstrap).toBe(`127.0.0.1:${port}`)
    expect(given.dataDir).toBe(dataDir)
    await given.close()
    expect(existsSync(`${dataDir}/meta.properties`)).toBe(true)

    const temp = await startBroker({ config: { 'num.partitions': 3 }, logLevel: 'silent' })
    expect(temp.config.get('num.partitions')).toBe(3)
    expect(existsSync(temp.dataDir)).toBe(true)
    await temp.close()
    expect(existsSync(temp.dataDir)).toBe(false)
  })
})

describe('broker.reset()', () => {
  it(`deletes ${TOPICS} topics and ${GROUPS} groups and leaves the internal topics`, async () => {
    const broker = await startBroker()
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    try {
      const topics = Array.from({ length: TOPICS }, () => uniqueName('reset'))
      await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 2 })) })
      const producer = kafka.producer()
      await producer.connect()
      await producer.sendBatch({ topicMessages: topics.map((topic) => ({ topic, messages: [{ value: 'v' }] })) })
      await producer.disconnect()
      const groups = Array.from({ length: GROUPS }, () => uniqueName('reset-group'))
      await commitOffsets(broker.bootstrap, groups, topics[0]!)

      const started = performance.now()
      const result = await broker.reset()
      const elapsed = performance.now() - started
      console.log(`reset(): ${TOPICS} topics (2 partitions each) and ${GROUPS} groups in ${elapsed.toFixed(1)} ms`)

      expect([...result.deletedTopics].sort()).toEqual([...topics].sort())
      expect([...result.deletedGroups].sort()).toEqual([...groups].sort())
      // A new client, as the next test would have: this one's metadata still names the old topics.
      const next = kafka.admin()
      await next.connect()
      try {
        expect((await next.listTopics()).sort()).toEqual(['__consumer_offsets'])
        expect((await next.listGroups()).groups).toEqual([])
        // A topic of a deleted name starts over: no records, no metrics carried over.
        await next.createTopics({ topics: [{ topic: topics[0]! }] })
        expect(await next.fetchTopicOffsets(topics[0]!)).toEqual([{ partition: 0, offset: '0', high: '0', low: '0' }])
        expect(broker.metrics()).not.toContain(`kafka_server_brokertopicmetrics_messagesin_total{topic="${topics[0]}"}`)
      } finally {
        await next.disconnect()
      }
    } finally {
      await admin.disconnect()
      await broker.close()
    }
  })

  it('refuses a group whose consumer is still running, after deleting the rest', async () => {
    // The running consumer would otherwise create its topic again as soon as it is deleted.
    const broker = await startBroker({ config: { 'auto.create.topics.enable': false } })
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    const topic = uniqueName('reset-busy')
    const groupId = uniqueName('reset-busy-group')
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 })
    try {
      await broker.cluster.createTopic({ name: topic, partitions: 1 })
      await consumer.connect()
      await consumer.subscribe({ topic })
      await consumer.run({ eachMessage: async () => {} })
      await eventually(() => expect(broker.metrics()).toMatch(/numgroupsstable 1\n/))
      await expect(broker.reset()).rejects.toMatchObject({
        code: BrookErrorCode.RESET_FAILED,
        message: `Cannot reset group ${groupId}: NON_EMPTY_GROUP (a group with members: disconnect its consumers first)`,
      })
      expect(broker.cluster.topics.get(topic)).toBeUndefined()
      await consumer.disconnect()
      expect(await broker.reset()).toEqual({ deletedTopics: [], deletedGroups: [groupId] })
    } finally {
      await consumer.disconnect()
      await broker.close()
    }
  })
})

describe('global setups', () => {
  it('jest: globalSetup starts a broker and exports its address, globalTeardown closes it', async () => {
    await globalSetup()
    const broker = globalThis.__BROOK__!
    try {
      expect(process.env['KAFKA_BOOTSTRAP']).toBe(broker.bootstrap)
      const admin = new Kafka({ brokers: [process.env['KAFKA_BOOTSTRAP']!], logLevel: logLevel.NOTHING }).admin()
      await admin.connect()
      expect(await admin.listTopics()).toEqual([])
      await admin.disconnect()
    } finally {
      await globalTeardown()
      delete process.env['KAFKA_BOOTSTRAP']
    }
    expect(globalThis.__BROOK__).toBeUndefined()
    expect(existsSync(broker.dataDir)).toBe(false)
  })

  it('vitest: a project whose globalSetup provides the bootstrap address runs its tests against it', async () => {
    const config = fileURLToPath(new URL('./vitest-setup/vitest.config.ts', import.meta.url))
    const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url))
    const { stdout } = await promisify(execFile)(process.execPath, [vitest, 'run', '--config', config, '--reporter', 'dot'], { env: { ...process.env, NO_COLOR: '1' } })
    expect(stdout).toMatch(/Tests\s+1 passed \(1\)/)
  })
})

/** Groups that exist through committed offsets alone (kafkajs setOffsets joins a consumer per group: seconds each). */
async function commitOffsets(bootstrap: string, groups: readonly string[], topic: string): Promise<void> {
  const client = await RawClient.connect(bootstrap)
  try {
    // FindCoordinator brings up the group coordinator (and __consumer_offsets) first.
    client.send(FindCoordinator, 3, { key: groups[0]!, keyType: 0, coordinatorKeys: [] })
    expect((await client.receive(FindCoordinator, 3)).body.errorCode).toBe(0)
    for (const groupId of groups) {
      const partitions = [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }]
      client.send(OffsetCommit, 8, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: topic, partitions }] })
      const { body } = await client.receive(OffsetCommit, 8)
      expect(body.topics[0]!.partitions[0]!.errorCode).toBe(0)
    }
  } finally {
    client.close()
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  return typeof address === 'object' && address ? address.port : 0
}
