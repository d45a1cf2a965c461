import { Kafka, logLevel } from 'kafkajs'
import type { Admin } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker } from '../src/index.js'
import type { BrokerHandle } from '../src/index.js'
import { uniqueName } from './helpers/index.js'

let broker: BrokerHandle
let admin: Admin
beforeAll(async () => {
  broker = await startBroker()
  admin = new Kafka({ clientId: 'brook-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
})
afterAll(async () => {
  await admin.disconnect()
  await broker.close()
})

describe('kafkajs admin', () => {
  it('describes the cluster', async () => {
    const cluster = await admin.describeCluster()
    expect(cluster).toEqual({
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: broker.port }],
      controller: 1,
      clusterId: broker.cluster.clusterId,
    })
  })

  it('lists topics and reads their metadata', async () => {
    const name = uniqueName('kafkajs')
    await broker.cluster.createTopic({ name, partitions: 2 })
    expect(await admin.listTopics()).toContain(name)
    const { topics } = await admin.fetchTopicMetadata({ topics: [name] })
    expect(topics).toEqual([
      {
        name,
        partitions: [
          { partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] },
          { partitionErrorCode: 0, partitionId: 1, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] },
        ],
      },
    ])
  })
})
