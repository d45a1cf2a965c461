import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker } from '../src/index.js'
import type { BrokerHandle } from '../src/index.js'
import { uniqueName } from './helpers/index.js'

const run = promisify(execFile)

// Debian's python3-kafka works with the system interpreter only.
const SCRIPT = `
import json, sys
from kafka import KafkaAdminClient
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id='brook-test')
print(json.dumps({'topics': admin.list_topics(), 'cluster': admin.describe_cluster()}))
admin.close()
`

let broker: BrokerHandle
beforeAll(async () => {
  broker = await startBroker()
})
afterAll(() => broker.close())

describe('kafka-python KafkaAdminClient', () => {
  it('connects, lists topics and describes the cluster', async () => {
    const name = uniqueName('kafka-python')
    await broker.cluster.createTopic({ name, partitions: 1 })
    const { stdout } = await run('/usr/bin/python3', ['-c', SCRIPT, broker.bootstrap], { timeout: 30_000 })
    const result = JSON.parse(stdout) as {
      topics: string[]
      cluster: { cluster_id: string; controller_id: number; brokers: { node_id: number; host: string; port: number }[] }
    }
    expect(result.topics).toContain(name)
    expect(result.cluster.cluster_id).toBe(broker.cluster.clusterId)
    expect(result.cluster.controller_id).toBe(1)
    expect(result.cluster.brokers).toMatchObject([{ node_id: 1, host: '127.0.0.1', port: broker.port }])
  })
})
