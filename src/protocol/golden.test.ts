/**
 * Decodes request frames captured from real clients (test/golden/*.hex, written by
 * scripts/capture-golden.ts) with the generated codecs, checks what they carry, and checks
 * that re-encoding the decoded values gives the captured bytes back.
 */
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { apiTable } from './generated/api-keys.js'
import { codecFor } from './generated/codecs.js'
import { decodeRequestHeader, encodeRequestHeader, requestHeaderVersion, type RequestHeader } from './generated/headers.js'
import { Reader } from './primitives/reader.js'
import { ZERO_UUID } from './primitives/uuid.js'
import { Writer } from './primitives/writer.js'

const goldenDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/golden')

interface Expected {
  readonly clientId: string
  readonly body: Record<string, unknown>
}

const librdkafka = { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' }

const expected: Record<string, Expected> = {
  'kafkajs-api-versions-v2': { clientId: 'kafkajs', body: {} },
  'kafkajs-metadata-v6': { clientId: 'kafkajs', body: { topics: null, allowAutoTopicCreation: false } },
  'kcat-api-versions-v3': { clientId: 'rdkafka', body: librdkafka },
  'kcat-metadata-v4': { clientId: 'rdkafka', body: { topics: [], allowAutoTopicCreation: false } },
  'kcat-metadata-v4-2': { clientId: 'rdkafka', body: { topics: null, allowAutoTopicCreation: true } },
  'kcat-topic-api-versions-v3': { clientId: 'rdkafka', body: librdkafka },
  'kcat-topic-metadata-v4': {
    clientId: 'rdkafka',
    body: { topics: [{ topicId: ZERO_UUID, name: 'golden-topic' }], allowAutoTopicCreation: true },
  },
  'kafka-python-api-versions-v0': { clientId: 'kafka-python-2.0.2', body: { clientSoftwareName: '' } },
  'kafka-python-metadata-v0': { clientId: 'kafka-python-2.0.2', body: { topics: [], allowAutoTopicCreation: true } },
  'kafka-python-metadata-v1': { clientId: 'kafka-python-2.0.2', body: { topics: null, allowAutoTopicCreation: true } },
  'kafka-python-metadata-v5': { clientId: 'kafka-python-2.0.2', body: { topics: null, allowAutoTopicCreation: false } },
  'platformatic-api-versions-v3': {
    clientId: 'brook-golden',
    body: { clientSoftwareName: 'platformatic-kafka', clientSoftwareVersion: '1.35.0' },
  },
  'platformatic-metadata-v12': {
    clientId: 'brook-golden',
    body: { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false },
  },
}

const files = readdirSync(goldenDir).filter((f) => f.endsWith('.hex')).sort()

describe('golden request frames from real clients', () => {
  it('has a frame for every expectation and an expectation for every frame', () => {
    expect(files.map((f) => f.replace(/\.hex$/, '')).sort()).toEqual(Object.keys(expected).sort())
  })

  it.each(files)('%s', (file) => {
    const frame = Buffer.from(readFileSync(path.join(goldenDir, file), 'utf8').trim(), 'hex')
    const [, api, version] = /^(?:kafkajs|kcat-topic|kcat|kafka-python|platformatic)-([a-z-]+)-v(\d+)(?:-\d+)?\.hex$/.exec(file)!
    const apiKey = frame.readInt16BE(0)
    const apiVersion = frame.readInt16BE(2)
    expect(apiTable[apiKey]?.name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()).toBe(api)
    expect(apiVersion).toBe(Number(version))

    const r = new Reader(frame)
    const headerVersion = requestHeaderVersion(apiKey, apiVersion)
    const header: RequestHeader = decodeRequestHeader(r, headerVersion)
    const want = expected[file.replace(/\.hex$/, '')]!
    expect(header).toMatchObject({ requestApiKey: apiKey, requestApiVersion: apiVersion, clientId: want.clientId })
    expect(header.correlationId).toBeGreaterThanOrEqual(0)

    const codec = codecFor(apiKey)!
    const body = codec.decodeRequest(r, apiVersion)
    expect(r.remaining).toBe(0)
    expect(body).toMatchObject(want.body)

    const w = new Writer()
    encodeRequestHeader(w, headerVersion, header)
    codec.encodeRequest(w, apiVersion, body)
    expect(w.toBuffer().toString('hex')).toBe(frame.toString('hex'))
  })
})
