import { afterEach, describe, expect, it } from 'vitest'
import type { Broker } from '../src/broker.js'
import { apiVersions, apiVersionsResponse } from '../src/handlers/api-versions.js'
import { defineHandler } from '../src/handlers/handler.js'
import { metadata } from '../src/handlers/metadata.js'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { ApiVersions } from '../src/protocol/generated/api-versions.js'
import { Heartbeat } from '../src/protocol/generated/heartbeat.js'
import { Metadata } from '../src/protocol/generated/metadata.js'
import { encodeRequestHeader } from '../src/protocol/generated/headers.js'
import { Writer } from '../src/protocol/primitives/writer.js'
import { startTestBroker } from './helpers/broker.js'
import { eventually } from './helpers/index.js'
import { WARN, captureLogs } from './helpers/log-capture.js'
import { RawClient } from './helpers/raw-client.js'
import { brokerHandlers } from '../src/handlers/index.js'

const V3_REQUEST = { clientSoftwareName: 'raw-test', clientSoftwareVersion: '1.0' }
const METADATA_ALL = {
  topics: null,
  allowAutoTopicCreation: false,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
}

let broker: Broker | undefined
const clients: RawClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await broker?.close()
  broker = undefined
})

async function client(b: Broker): Promise<RawClient> {
  const c = await RawClient.connect(b.bootstrap)
  clients.push(c)
  return c
}

/** Proves the broker still serves: a fresh connection gets an ApiVersions answer. */
async function expectServing(b: Broker): Promise<void> {
  const c = await client(b)
  c.send(ApiVersions, 3, V3_REQUEST)
  expect((await c.receive(ApiVersions, 3)).body.errorCode).toBe(ErrorCode.NONE)
}

function header(apiKey: number, apiVersion: number, clientId: string): Buffer {
  const w = new Writer()
  encodeRequestHeader(w, 1, { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId: 7, clientId })
  return w.toBuffer()
}

describe('ApiVersions', () => {
  it('lists exactly the registered handlers at every version', async () => {
    broker = await startTestBroker()
    const c = await client(broker)
    for (const version of [0, 1, 2, 3]) {
      const id = c.send(ApiVersions, version, V3_REQUEST)
      const { correlationId, body } = await c.receive(ApiVersions, version)
      expect(correlationId).toBe(id)
      expect(body.errorCode).toBe(ErrorCode.NONE)
      expect(body.apiKeys).toEqual(
        [...brokerHandlers]
          .sort((a, b) => a.apiKey - b.apiKey)
          .map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion })),
      )
    }
  })

  it('answers a too-new version with a v0 response carrying UNSUPPORTED_VERSION and the ranges (KIP-511)', async () => {
    broker = await startTestBroker()
    const c = await client(broker)
    // A v4 request is flexible: header v2, then a body Brook does not know.
    const w = new Writer()
    encodeRequestHeader(w, 2, { requestApiKey: 18, requestApiVersion: 4, correlationId: 42, clientId: 'future' })
    w.writeUnsignedVarint(0)
    c.sendFrame(Buffer.concat([w.toBuffer(), Buffer.from([1, 2, 3])]))
    const { correlationId, body } = await c.receive(ApiVersions, 0)
    expect(correlationId).toBe(42)
    expect(body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION)
    expect(body.apiKeys).toContainEqual({ apiKey: 18, minVersion: 0, maxVersion: 3 })
    expect(c.closed).toBe(false)
  })

  it('rejects an invalid client software name with INVALID_REQUEST', async () => {
    broker = await startTestBroker()
    const c = await client(broker)
    c.send(ApiVersions, 3, { clientSoftwareName: '-bad name-', clientSoftwareVersion: '1' })
    expect((await c.receive(ApiVersions, 3)).body.errorCode).toBe(ErrorCode.INVALID_REQUEST)
  })
})

describe('requests that cannot be served close their connection only', () => {
  it('closes on an unknown api key, logging api key, version and client id', async () => {
    const { logger, lines } = captureLogs()
    broker = await startTestBroker({ logger })
    const c = await client(broker)
    c.sendFrame(header(999, 0, 'mystery-client'))
    await c.waitClosed()
    await expectServing(broker)
    const warning = lines.find((l) => l.level === WARN && l.msg.includes('unknown api key'))
    expect(warning).toMatchObject({ apiKey: 999, apiVersion: 0, clientId: 'mystery-client' })
  })

  it('closes on an unsupported version of a served API', async () => {
    const { logger, lines } = captureLogs()
    broker = await startTestBroker({ logger })
    const c = await client(broker)
    c.sendFrame(header(3, 13, 'too-new'))
    await c.waitClosed()
    await expectServing(broker)
    expect(lines.find((l) => l.level === WARN)).toMatchObject({ apiKey: 3, apiVersion: 13, clientId: 'too-new' })
  })

  it('closes on a truncated body and on garbage', async () => {
    const { logger, lines } = captureLogs()
    broker = await startTestBroker({ logger })
    const truncated = await client(broker)
    // Metadata v1 whose topic array claims 5 entries that never come.
    truncated.sendFrame(Buffer.concat([header(3, 1, 'truncated'), Buffer.from([0, 0, 0, 5])]))
    await truncated.waitClosed()
    const garbage = await client(broker)
    garbage.sendFrame(Buffer.concat([header(3, 1, 'garbage'), Buffer.from('\xff\xff\xff\xf0 not kafka')]))
    await garbage.waitClosed()
    const trailing = await client(broker)
    trailing.sendFrame(Buffer.concat([header(18, 0, 'trailing'), Buffer.from('extra')]))
    await trailing.waitClosed()
    await expectServing(broker)
    const warnings = lines.filter((l) => l.level === WARN)
    expect(warnings.map((l) => [l.clientId, l.msg])).toEqual([
      ['truncated', 'closing connection: malformed Metadata request'],
      ['garbage', 'closing connection: malformed Metadata request'],
      ['trailing', 'closing connection: malformed ApiVersions request'],
    ])
  })

  it('closes on a frame larger than socket.request.max.bytes', async () => {
    const { logger, lines } = captureLogs()
    broker = await startTestBroker({ logger, config: { 'socket.request.max.bytes': '1024' } })
    const c = await client(broker)
    const size = Buffer.alloc(4)
    size.writeInt32BE(1025)
    c.sendRaw(size)
    await c.waitClosed()
    await expectServing(broker)
    expect(lines.find((l) => l.level === WARN)).toMatchObject({
      frameSize: 1025,
      msg: 'closing connection: frame of 1025 bytes exceeds socket.request.max.bytes (1024)',
    })
  })

  it('closes when a handler throws, and the broker goes on', async () => {
    const { logger, lines } = captureLogs()
    const failing = defineHandler({
      api: Heartbeat,
      minVersion: 0,
      maxVersion: 4,
      handle: () => {
        throw new Error('bug in handler')
      },
    })
    broker = await startTestBroker({ logger, handlers: [apiVersions, metadata, failing] })
    const c = await client(broker)
    c.send(Heartbeat, 4, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null }, 'hb-client')
    await c.waitClosed()
    await expectServing(broker)
    expect(lines.find((l) => l.level === WARN)).toMatchObject({
      apiKey: 12,
      apiVersion: 4,
      clientId: 'hb-client',
      msg: 'closing connection: Heartbeat handler failed',
    })
  })
})

describe('pipelining', () => {
  it('answers in request order when a later request finishes first', async () => {
    let releaseSlow!: () => void
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve))
    let fastDone!: () => void
    const fastServed = new Promise<void>((resolve) => (fastDone = resolve))
    const slow = defineHandler({
      api: Heartbeat,
      minVersion: 0,
      maxVersion: 4,
      handle: async () => {
        await slowGate
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE }
      },
    })
    const fast = defineHandler({
      api: ApiVersions,
      minVersion: 0,
      maxVersion: 3,
      handle: (_req, ctx) => {
        fastDone()
        return apiVersionsResponse(ErrorCode.NONE, ctx.services.handlers)
      },
    })
    broker = await startTestBroker({ handlers: [fast, metadata, slow] })
    const c = await client(broker)
    const first = c.send(Heartbeat, 4, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null })
    const second = c.send(ApiVersions, 3, V3_REQUEST)
    const third = c.send(Metadata, 12, METADATA_ALL)
    await fastServed
    releaseSlow()
    expect((await c.receive(Heartbeat, 4)).correlationId).toBe(first)
    expect((await c.receive(ApiVersions, 3)).correlationId).toBe(second)
    expect((await c.receive(Metadata, 12)).correlationId).toBe(third)
  })

  it('serves many pipelined requests on one connection', async () => {
    broker = await startTestBroker()
    const c = await client(broker)
    const ids = Array.from({ length: 300 }, (_, i) => (i % 2 ? c.send(ApiVersions, 3, V3_REQUEST) : c.send(Metadata, 9, METADATA_ALL)))
    const got: number[] = []
    for (let i = 0; i < ids.length; i++) {
      got.push(i % 2 ? (await c.receive(ApiVersions, 3)).correlationId : (await c.receive(Metadata, 9)).correlationId)
    }
    expect(got).toEqual(ids)
  })
})

describe('idle connections', () => {
  it('closes a connection idle for connections.max.idle.ms', async () => {
    const { logger, lines } = captureLogs('info')
    broker = await startTestBroker({ logger, config: { 'connections.max.idle.ms': '100' } })
    const c = await client(broker)
    c.send(ApiVersions, 3, V3_REQUEST)
    await c.receive(ApiVersions, 3)
    await c.waitClosed()
    expect(lines.map((l) => l.msg)).toContain('closing idle connection (connections.max.idle.ms)')
  })
})

describe('shutdown', () => {
  it('answers an in-flight request before closing', async () => {
    let releaseSlow!: () => void
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve))
    let started!: () => void
    const slowStarted = new Promise<void>((resolve) => (started = resolve))
    const slow = defineHandler({
      api: Heartbeat,
      minVersion: 0,
      maxVersion: 4,
      handle: async () => {
        started()
        await slowGate
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE }
      },
    })
    const b = await startTestBroker({ handlers: [apiVersions, metadata, slow] })
    const c = await client(b)
    const id = c.send(Heartbeat, 4, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null })
    await slowStarted
    const closing = b.close()
    await eventually(async () => {
      await expect(RawClient.connect(b.bootstrap)).rejects.toThrow(/ECONNREFUSED/)
    })
    releaseSlow()
    expect((await c.receive(Heartbeat, 4)).correlationId).toBe(id)
    await closing
    await c.waitClosed()
  })
})
