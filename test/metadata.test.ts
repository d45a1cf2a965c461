import { afterEach, describe, expect, it } from 'vitest'
import type { Broker } from '../src/broker.js'
import { ALL_CLUSTER_OPERATIONS, ALL_TOPIC_OPERATIONS } from '../src/handlers/authorized-operations.js'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { Metadata } from '../src/protocol/generated/metadata.js'
import type { MetadataRequest, MetadataResponse } from '../src/protocol/generated/metadata.js'
import { ZERO_UUID, randomUuid } from '../src/protocol/primitives/uuid.js'
import { startTestBroker } from './helpers/broker.js'
import { RawClient } from './helpers/raw-client.js'

const NOT_REQUESTED = -2147483648

let broker: Broker | undefined
const clients: RawClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await broker?.close()
  broker = undefined
})

function request(topics: MetadataRequest['topics'], extra: Partial<MetadataRequest> = {}): MetadataRequest {
  return {
    topics,
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
    ...extra,
  }
}

const byName = (...names: string[]) => names.map((name) => ({ name, topicId: ZERO_UUID }))

async function ask(b: Broker, version: number, req: MetadataRequest, bootstrap = b.bootstrap): Promise<MetadataResponse> {
  const c = await RawClient.connect(bootstrap)
  clients.push(c)
  c.send(Metadata, version, req)
  return (await c.receive(Metadata, version)).body
}

describe('Metadata', () => {
  it('describes this node as the only broker and the controller', async () => {
    broker = await startTestBroker({ config: { 'node.id': '7' } })
    for (const version of [0, 1, 2, 6, 9, 12]) {
      const md = await ask(broker, version, request(version === 0 ? [] : null))
      const port = Number(broker.bootstrap.split(':')[1])
      expect(md.brokers, `v${version}`).toEqual([{ nodeId: 7, host: '127.0.0.1', port, rack: null }])
      if (version >= 1) expect(md.controllerId).toBe(7)
      if (version >= 2) expect(md.clusterId).toBe(broker.cluster.clusterId)
    }
  })

  it('describes every partition as led by this node, with ids and the internal flag', async () => {
    broker = await startTestBroker()
    const orders = await broker.cluster.createTopic({ name: 'orders', partitions: 2 })
    await broker.cluster.createTopic({ name: '__consumer_offsets', partitions: 1 })
    const md = await ask(broker, 12, request(null))
    expect(md.topics).toEqual([
      {
        errorCode: 0,
        name: 'orders',
        topicId: orders.topicId,
        isInternal: false,
        topicAuthorizedOperations: NOT_REQUESTED,
        partitions: [0, 1].map((partitionIndex) => ({
          errorCode: 0,
          partitionIndex,
          leaderId: 1,
          leaderEpoch: 0,
          replicaNodes: [1],
          isrNodes: [1],
          offlineReplicas: [],
        })),
      },
      expect.objectContaining({ name: '__consumer_offsets', isInternal: true }),
    ])
  })

  it('tells all topics from none: v0 empty list is all, v1+ null is all and empty is none', async () => {
    broker = await startTestBroker()
    await broker.cluster.createTopic({ name: 'a', partitions: 1 })
    await broker.cluster.createTopic({ name: 'b', partitions: 1 })
    expect((await ask(broker, 0, request([]))).topics.map((t) => t.name)).toEqual(['a', 'b'])
    expect((await ask(broker, 1, request(null))).topics.map((t) => t.name)).toEqual(['a', 'b'])
    expect((await ask(broker, 1, request([]))).topics).toEqual([])
    expect((await ask(broker, 4, request(byName('b', 'b')))).topics.map((t) => t.name)).toEqual(['b'])
  })

  it('reports unknown and invalid topic names without creating them when auto-creation is off', async () => {
    broker = await startTestBroker({ config: { 'auto.create.topics.enable': 'false' } })
    const md = await ask(broker, 9, request(byName('missing', 'bad name!'), { allowAutoTopicCreation: true }))
    expect(md.topics.map((t) => [t.name, t.errorCode, t.partitions])).toEqual([
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []],
      ['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION, []],
    ])
    expect(broker.cluster.topics.size).toBe(0)
  })

  it('grants every operation when authorized operations are asked for (no authorizer)', async () => {
    broker = await startTestBroker()
    await broker.cluster.createTopic({ name: 't', partitions: 1 })
    const asked = request(null, { includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true })
    const v10 = await ask(broker, 10, asked)
    expect(v10.topics[0]?.topicAuthorizedOperations).toBe(ALL_TOPIC_OPERATIONS)
    expect(v10.clusterAuthorizedOperations).toBe(ALL_CLUSTER_OPERATIONS)
    // READ..ALTER_CONFIGS for topics; CREATE, ALTER..IDEMPOTENT_WRITE for the cluster (Kafka's bit layout).
    expect(ALL_TOPIC_OPERATIONS).toBe(0b1101_1111_1000)
    expect(ALL_CLUSTER_OPERATIONS).toBe(0b1_1111_1010_0000)
    const notAsked = await ask(broker, 10, request(null))
    expect(notAsked.topics[0]?.topicAuthorizedOperations).toBe(NOT_REQUESTED)
    expect(notAsked.clusterAuthorizedOperations).toBe(NOT_REQUESTED)
  })

  it('finds topics by id from v12 and answers UNKNOWN_TOPIC_ID for others', async () => {
    broker = await startTestBroker()
    const t = await broker.cluster.createTopic({ name: 'by-id', partitions: 1 })
    const unknown = randomUuid()
    const md = await ask(broker, 12, request([{ name: null, topicId: t.topicId }, { name: null, topicId: unknown }]))
    expect(md.topics.map((x) => [x.name, x.topicId, x.errorCode])).toEqual([
      ['by-id', t.topicId, ErrorCode.NONE],
      [null, unknown, ErrorCode.UNKNOWN_TOPIC_ID],
    ])
  })

  it('answers INVALID_REQUEST for topic ids before v12, as Kafka', async () => {
    broker = await startTestBroker()
    const id = randomUuid()
    const md = await ask(broker, 11, request([{ name: 'x', topicId: id }]))
    expect(md.topics.map((x) => [x.name, x.topicId, x.errorCode])).toEqual([['x', id, ErrorCode.INVALID_REQUEST]])
  })

  it('answers with the address of the listener the request came in on', async () => {
    broker = await startTestBroker({
      config: {
        listeners: 'PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0,HIDDEN://127.0.0.1:0',
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT,HIDDEN:PLAINTEXT',
        'advertised.listeners': 'PLAINTEXT://127.0.0.1:0,INTERNAL://broker.internal:19092',
      },
    })
    await broker.cluster.createTopic({ name: 't', partitions: 1 })
    const internal = broker.cluster.endpointFor('INTERNAL')
    expect(internal).toMatchObject({ host: 'broker.internal', port: 19092 })
    const ports = Object.fromEntries(broker.listeners.map((l) => [l.endpoint.listenerName, l.port]))
    const viaInternal = await ask(broker, 9, request(null), `127.0.0.1:${ports.INTERNAL}`)
    expect(viaInternal.brokers).toEqual([{ nodeId: 1, host: 'broker.internal', port: 19092, rack: null }])
    // A listener that is bound but not advertised has no address to give: Kafka's LISTENER_NOT_FOUND.
    const viaHidden = await ask(broker, 9, request(null), `127.0.0.1:${ports.HIDDEN}`)
    expect(viaHidden.brokers).toEqual([])
    expect(viaHidden.topics[0]?.partitions[0]).toMatchObject({ errorCode: ErrorCode.LISTENER_NOT_FOUND, leaderId: -1 })
    const viaHiddenV5 = await ask(broker, 5, request(null), `127.0.0.1:${ports.HIDDEN}`)
    expect(viaHiddenV5.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.LEADER_NOT_AVAILABLE)
  })
})
