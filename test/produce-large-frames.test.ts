// Produce requests larger than a socket read arrive in pieces and are joined into buffers that the
// connection reuses once a request is answered (src/network/frame-pool.ts). Many such requests in
// flight at once must each land exactly as sent: a buffer reused too early would show here as
// another request's bytes.
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Broker } from '../src/broker.js'
import { uniqueName } from './helpers/index.js'
import { startTestBroker } from './helpers/broker.js'
import { readPartition } from './helpers/partition-records.js'

let broker: Broker
beforeAll(async () => {
  broker = await startTestBroker()
})
afterAll(() => broker.close())

/** 100 KiB, different in every byte position from one message to the next. */
function valueOf(i: number): Buffer {
  const v = Buffer.alloc(100 * 1024)
  for (let p = 0; p < v.length; p += 4) v.writeUInt32BE((i * 2654435761 + p) >>> 0, p)
  return v
}

it('stores 60 pipelined Produce requests of 100 KiB each exactly as sent', async () => {
  const topic = uniqueName('large-frames')
  const kafka = new Kafka({ clientId: 'large-frames', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
  await admin.disconnect()
  const producer = kafka.producer()
  await producer.connect()
  // One message per request; kafkajs sends them all without waiting for answers.
  const sends = Array.from({ length: 60 }, (_, i) =>
    producer.send({ topic, acks: 1, messages: [{ partition: i % 2, key: `k${i}`, value: valueOf(i) }] }),
  )
  await Promise.all(sends)
  await producer.disconnect()
  const stored = new Map<string, Buffer>()
  for (const partition of [0, 1]) {
    for (const batch of await readPartition(broker, topic, partition)) {
      expect(batch.crcValid).toBe(true)
      for (const r of batch.records) stored.set(r.key!.toString(), r.value!)
    }
  }
  expect(stored.size).toBe(60)
  for (let i = 0; i < 60; i++) expect(stored.get(`k${i}`)!.equals(valueOf(i)), `message ${i}`).toBe(true)
})
