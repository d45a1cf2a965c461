import { Admin } from '@platformatic/kafka'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker } from '../src/index.js'
import type { BrokerHandle } from '../src/index.js'
import { uniqueName } from './helpers/index.js'

/** @platformatic/kafka prints uuids as dashed hex, Kafka as base64url. */
function dashedHex(uuid: string): string {
  const h = Buffer.from(uuid, 'base64url').toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

let broker: BrokerHandle
let admin: Admin
beforeAll(async () => {
  broker = await startBroker()
  admin = new Admin({ clientId: 'brook-test', bootstrapBrokers: [broker.bootstrap] })
})
afterAll(async () => {
  await admin.close()
  await broker.close()
})

// @platformatic/kafka sends flexible versions only (ApiVersions v3, Metadata v12).
describe('@platformatic/kafka admin', () => {
  it('lists topics', async () => {
    const name = uniqueName('platformatic')
    await broker.cluster.createTopic({ name, partitions: 1 })
    expect(await admin.listTopics()).toContain(name)
  })

  it('reads cluster metadata with topic ids', async () => {
    const name = uniqueName('platformatic-md')
    const topic = await broker.cluster.createTopic({ name, partitions: 2 })
    const md = await admin.metadata({ topics: [name] })
    expect(md.id).toBe(broker.cluster.clusterId)
    expect([...md.brokers.values()]).toEqual([{ host: '127.0.0.1', port: broker.port, rack: null }])
    expect(md.topics.get(name)).toMatchObject({ id: dashedHex(topic.topicId), partitionsCount: 2 })
  })
})
