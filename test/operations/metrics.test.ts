import { Kafka, logLevel } from 'kafkajs'
import type { Admin, Consumer, Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker } from '../../src/index.js'
import type { BrokerHandle } from '../../src/index.js'
import { eventually, uniqueName } from '../helpers/index.js'
import { parseMetrics, scrape, sum, value } from './prometheus.js'

let broker: BrokerHandle
let url: string
let kafka: Kafka
let admin: Admin
let producer: Producer
beforeAll(async () => {
  broker = await startBroker({ metricsPort: 0 })
  url = broker.metricsUrl!
  kafka = new Kafka({ clientId: 'metrics-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  admin = kafka.admin()
  producer = kafka.producer()
  await Promise.all([admin.connect(), producer.connect()])
})
afterAll(async () => {
  await Promise.all([admin?.disconnect(), producer?.disconnect()])
  await broker?.close()
})

describe('GET /metrics after kafkajs produces and consumes', () => {
  it('moves the topic, request and log metrics by exactly what was sent', async () => {
    const topic = uniqueName('metrics')
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
    const before = await scrape(url)

    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] })
    await producer.send({ topic, messages: [{ key: 'k', value: 'd' }, { value: 'e' }] })
    const after = await scrape(url)

    expect(value(after, 'kafka_server_brokertopicmetrics_messagesin_total', { topic })).toBe(5)
    // The batches are appended as they came: the bytes in are the log's size.
    const size = value(after, 'kafka_log_log_size', { topic, partition: 0 })
    expect(size).toBeGreaterThan(2 * 61)
    expect(value(after, 'kafka_server_brokertopicmetrics_bytesin_total', { topic })).toBe(size)
    expect(value(after, 'kafka_server_brokertopicmetrics_totalproducerequests_total', { topic })).toBe(2)
    expect(value(after, 'kafka_server_brokertopicmetrics_failedproducerequests_total', { topic })).toBe(0)
    expect(value(after, 'kafka_log_log_logendoffset', { topic, partition: 0 })).toBe(5)
    expect(value(after, 'kafka_log_log_logstartoffset', { topic, partition: 0 })).toBe(0)
    expect(value(after, 'kafka_log_log_numlogsegments', { topic, partition: 0 })).toBe(1)

    const delta = (name: string, labels: Record<string, string> = {}): number => sum(after, name, labels) - sum(before, name, labels)
    expect(delta('kafka_network_requestmetrics_requests_total', { request: 'Produce' })).toBe(2)
    expect(delta('kafka_network_requestmetrics_errors_total', { request: 'Produce', error: 'NONE' })).toBe(2)
    expect(delta('kafka_network_requestmetrics_totaltimems_count', { request: 'Produce' })).toBe(2)
    expect(delta('kafka_network_requestmetrics_totaltimems_bucket', { request: 'Produce', le: '+Inf' })).toBe(2)
    expect(sum(after, 'kafka_server_socket_server_metrics_connection_count', { listener: 'PLAINTEXT' })).toBeGreaterThanOrEqual(1)
    expect(value(after, 'kafka_server_replicamanager_underreplicatedpartitions')).toBe(0)
    expect(value(after, 'kafka_server_kafkaserver_brokerstate')).toBe(3)

    const groupId = uniqueName('metrics-group')
    const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 1000 })
    const received: string[] = []
    try {
      await consumer.connect()
      await consumer.subscribe({ topic, fromBeginning: true })
      await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) })
      await eventually(() => expect(received).toEqual(['a', 'b', 'c', 'd', 'e']))
      // With nothing more to read, the consumer's next fetch waits in the purgatory.
      const polling = await eventually(async () => {
        const s = await scrape(url)
        expect(value(s, 'kafka_server_delayedoperationpurgatory_purgatorysize', { delayedOperation: 'Fetch' })).toBeGreaterThanOrEqual(1)
        return s
      })
      expect(value(polling, 'kafka_server_brokertopicmetrics_bytesout_total', { topic })).toBeGreaterThanOrEqual(size)
      expect(value(polling, 'kafka_server_brokertopicmetrics_totalfetchrequests_total', { topic })).toBeGreaterThanOrEqual(1)
      expect(value(polling, 'kafka_coordinator_group_groupmetadatamanager_numgroupsstable')).toBeGreaterThanOrEqual(1)
    } finally {
      await consumer.disconnect()
    }
    const left = await scrape(url)
    expect(value(left, 'kafka_coordinator_group_groupmetadatamanager_numgroupsempty')).toBeGreaterThanOrEqual(1)
    expect(value(left, 'kafka_server_delayedoperationpurgatory_purgatorysize', { delayedOperation: 'Produce' })).toBe(0)
  })

  it('counts error codes per API and drops a deleted topic', async () => {
    const topic = uniqueName('metrics-errors')
    await admin.createTopics({ topics: [{ topic }] })
    await producer.send({ topic, messages: [{ value: 'x' }] })
    const before = await scrape(url)
    expect(await admin.createTopics({ topics: [{ topic }] })).toBe(false)
    await admin.deleteTopics({ topics: [topic] })
    const after = await scrape(url)
    const delta = (labels: Record<string, string>): number =>
      sum(after, 'kafka_network_requestmetrics_errors_total', labels) - sum(before, 'kafka_network_requestmetrics_errors_total', labels)
    expect(delta({ request: 'CreateTopics', error: 'TOPIC_ALREADY_EXISTS' })).toBe(1)
    expect(delta({ request: 'DeleteTopics', error: 'NONE' })).toBe(1)
    expect(value(before, 'kafka_server_brokertopicmetrics_messagesin_total', { topic })).toBe(1)
    expect([...after.keys()].some((k) => k.includes(`topic="${topic}"`))).toBe(false)
  })

  it('serves the same text without HTTP through broker.metrics()', async () => {
    const samples = parseMetrics(broker.metrics())
    expect(value(samples, 'kafka_controller_kafkacontroller_activecontrollercount')).toBe(1)
    expect(value(samples, 'kafka_controller_kafkacontroller_globaltopiccount')).toBeGreaterThanOrEqual(1)
  })
})

describe('health endpoints', () => {
  it('answers liveness and readiness once started, and stops with the broker', async () => {
    const b = await startBroker({ metricsPort: 0 })
    const live = await fetch(`${b.metricsUrl}/health`)
    expect(live.status).toBe(200)
    expect(await live.json()).toEqual({ status: 'UP', brokerState: 'RUNNING' })
    const ready = await fetch(`${b.metricsUrl}/health/ready`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'UP', brokerState: 'RUNNING' })
    expect((await fetch(`${b.metricsUrl}/nope`)).status).toBe(404)
    expect((await fetch(`${b.metricsUrl}/metrics`, { method: 'POST' })).status).toBe(405)
    await b.close()
    await expect(fetch(`${b.metricsUrl}/health`)).rejects.toThrow()
  })

  it('serves no HTTP unless asked: metrics.port defaults to -1', async () => {
    const b = await startBroker()
    try {
      expect(b.metricsPort).toBeUndefined()
      expect(b.metricsUrl).toBeUndefined()
      expect(b.config.get('metrics.port')).toBe(-1)
    } finally {
      await b.close()
    }
  })
})
