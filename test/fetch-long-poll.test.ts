// Long-poll Fetch over the wire: woken by appends, bounded by maxWait and minBytes, completed by
// topic deletion and by broker shutdown, answered in request order on its connection.
import { describe, expect, it } from 'vitest'
import type { Broker } from '../src/broker.js'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { ApiVersions } from '../src/protocol/generated/api-versions.js'
import { Fetch } from '../src/protocol/generated/fetch.js'
import { startTestBroker } from './helpers/broker.js'
import { appendBatch, createTopicWithLogs, decodeFetched, fetchRequest } from './helpers/fetch.js'
import { eventually, uniqueName } from './helpers/index.js'
import { brokerWithRawClient } from './helpers/raw-broker.js'
import { RawClient } from './helpers/raw-client.js'

const VERSION = 12

const env = brokerWithRawClient()

/** Resolves once `n` fetches wait in the purgatory. */
const waiting = (b: Broker, n: number): Promise<void> => eventually(() => expect(b.fetches.purgatory.size).toBe(n))

describe('long-poll Fetch', () => {
  it('returns as soon as a record is appended, long before maxWait', async () => {
    const name = uniqueName('poll-wake')
    await createTopicWithLogs(env.broker, name, 1)
    const started = Date.now()
    env.client.send(Fetch, VERSION, fetchRequest([{ topic: name, partition: 0 }], { maxWaitMs: 5000 }))
    await waiting(env.broker, 1)
    const appended = Date.now()
    await appendBatch(env.broker, name, 0, [{ key: 'k', value: 'woke' }])
    const { body } = await env.client.receive(Fetch, VERSION)
    const elapsed = Date.now() - appended
    expect(elapsed).toBeLessThan(1000)
    expect(Date.now() - started).toBeLessThan(4000)
    expect(decodeFetched(body.responses[0]!.partitions[0]!.records)).toEqual([{ offset: 0, key: 'k', value: 'woke', headers: {} }])
    expect(env.broker.fetches.purgatory.watchedLogs).toBe(0)
  })

  it('returns after about maxWait when nothing arrives', async () => {
    const name = uniqueName('poll-expire')
    await createTopicWithLogs(env.broker, name, 1)
    const started = Date.now()
    env.client.send(Fetch, VERSION, fetchRequest([{ topic: name, partition: 0 }], { maxWaitMs: 400 }))
    const { body } = await env.client.receive(Fetch, VERSION)
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(390)
    expect(elapsed).toBeLessThan(3000)
    const p = body.responses[0]!.partitions[0]!
    expect(p).toMatchObject({ errorCode: 0, highWatermark: 0n })
    expect(p.records!.length).toBe(0)
  })

  it('waits for minBytes across partitions, then returns everything appended', async () => {
    const name = uniqueName('poll-minbytes')
    await createTopicWithLogs(env.broker, name, 2)
    env.client.send(Fetch, VERSION, fetchRequest([0, 1].map((partition) => ({ topic: name, partition })), { maxWaitMs: 5000, minBytes: 3000 }))
    await waiting(env.broker, 1)
    await appendBatch(env.broker, name, 0, [{ value: 'small' }])
    // The append listeners have run by now: the fetch still waits for more bytes.
    expect(env.broker.fetches.purgatory.size).toBe(1)
    await appendBatch(env.broker, name, 1, [{ value: 'x'.repeat(3000) }])
    const { body } = await env.client.receive(Fetch, VERSION)
    expect(body.responses[0]!.partitions.map((p) => decodeFetched(p.records).map((r) => r.value!.length))).toEqual([[5], [3000]])
  })

  it('answers in request order: a long poll holds back later responses on its connection', async () => {
    const name = uniqueName('poll-order')
    await createTopicWithLogs(env.broker, name, 1)
    const fetchId = env.client.send(Fetch, VERSION, fetchRequest([{ topic: name, partition: 0 }], { maxWaitMs: 600 }))
    const versionsId = env.client.send(ApiVersions, 3, { clientSoftwareName: 'brook-test', clientSoftwareVersion: '1' })
    expect((await env.client.receive(Fetch, VERSION)).correlationId).toBe(fetchId)
    expect((await env.client.receive(ApiVersions, 3)).correlationId).toBe(versionsId)
  })

  it("runs a connection's fetches one at a time: a fetch queued behind a long poll reads after it", async () => {
    const a = uniqueName('poll-serial-a')
    const b = uniqueName('poll-serial-b')
    await createTopicWithLogs(env.broker, a, 1)
    await createTopicWithLogs(env.broker, b, 1)
    env.client.send(Fetch, VERSION, fetchRequest([{ topic: a, partition: 0 }], { maxWaitMs: 5000 }))
    env.client.send(Fetch, VERSION, fetchRequest([{ topic: b, partition: 0 }], { maxWaitMs: 0 }))
    await waiting(env.broker, 1)
    await appendBatch(env.broker, b, 0, [{ value: 'queued' }])
    await appendBatch(env.broker, a, 0, [{ value: 'wake' }])
    const first = await env.client.receive(Fetch, VERSION)
    const second = await env.client.receive(Fetch, VERSION)
    expect(decodeFetched(first.body.responses[0]!.partitions[0]!.records).map((r) => r.value)).toEqual(['wake'])
    expect(decodeFetched(second.body.responses[0]!.partitions[0]!.records).map((r) => r.value)).toEqual(['queued'])
    await eventually(() => expect(env.broker.fetches.busyConnections).toBe(0))
  })

  it('completes when the topic is deleted, answering UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const name = uniqueName('poll-delete')
    await createTopicWithLogs(env.broker, name, 1)
    const started = Date.now()
    env.client.send(Fetch, VERSION, fetchRequest([{ topic: name, partition: 0 }], { maxWaitMs: 10_000 }))
    await waiting(env.broker, 1)
    const info = await env.broker.cluster.topics.delete(name)
    await env.broker.replicas.removeLogs(info)
    const { body } = await env.client.receive(Fetch, VERSION)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(body.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  it('leaves no waiting fetch, listener or timer behind after 10,000 long polls expire', async () => {
    const name = uniqueName('poll-leak')
    await createTopicWithLogs(env.broker, name, 3)
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    const clients = await Promise.all(Array.from({ length: 40 }, () => RawClient.connect(env.broker.bootstrap)))
    const perClient = 250
    const request = fetchRequest([0, 1, 2].map((partition) => ({ topic: name, partition })), { maxWaitMs: 2 })
    for (let round = 0; round < perClient; round++) for (const c of clients) c.send(Fetch, VERSION, request)
    await Promise.all(clients.map(async (c) => {
      for (let round = 0; round < perClient; round++) expect((await c.receive(Fetch, VERSION)).body.responses[0]!.partitions).toHaveLength(3)
    }))
    for (const c of clients) c.close()
    expect(env.broker.fetches.purgatory.size).toBe(0)
    expect(env.broker.fetches.purgatory.watchedLogs).toBe(0)
    await eventually(() => expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(timersBefore + 1))
  })
})

describe('long-poll Fetch at shutdown', () => {
  it('is answered at once when the broker closes, not after maxWait', async () => {
    const own = await startTestBroker()
    const name = uniqueName('poll-shutdown')
    await createTopicWithLogs(own, name, 1)
    const c = await RawClient.connect(own.bootstrap)
    c.send(Fetch, VERSION, fetchRequest([{ topic: name, partition: 0 }], { maxWaitMs: 60_000 }))
    await waiting(own, 1)
    const started = Date.now()
    await own.close()
    expect(Date.now() - started).toBeLessThan(5000)
    const { body } = await c.receive(Fetch, VERSION)
    expect(body.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE)
    c.close()
  })
})
