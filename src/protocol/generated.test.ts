/**
 * Round trips of every generated codec, every version, built from Kafka's schemas read at
 * test time: the bytes equal those of a schema-walking oracle, decode gives the value back,
 * re-encoding gives the same bytes, and every strict prefix fails with ProtocolDecodeError.
 */
import { readdirSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { kebabCase, readMessage, type MessageSpec } from '../../scripts/gen-protocol/schema.js'
import { encodeStruct } from '../../test/protocol/schema-encoder.js'
import { buildValue, rng, type Value } from '../../test/protocol/schema-values.js'
import { apiTable, type ApiCodec } from './generated/api-keys.js'
import { apiCodecs, codecFor } from './generated/codecs.js'
import * as headers from './generated/headers.js'
import { ProtocolDecodeError, ProtocolEncodeError } from './primitives/protocol-error.js'
import { Reader } from './primitives/reader.js'
import { Writer } from './primitives/writer.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const messagesDir = path.resolve(root, '../shared/kafka-protocol/messages')
const recordsDir = path.resolve(root, '../shared/kafka-protocol/records')

const schemas = (dir: string): MessageSpec[] =>
  readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => readMessage(path.join(dir, f)))
const messages = schemas(messagesDir)
const requests = messages.filter((m) => m.type === 'request')
const byName = new Map(messages.map((m) => [m.name, m]))

type Encode = (w: Writer, version: number, m: never) => void
type Decode = (r: Reader, version: number) => unknown

/** Checks the round trip of one value and that each strict prefix fails to decode. */
function roundTrip(label: string, spec: MessageSpec, version: number, seed: number, encode: Encode, decode: Decode): void {
  const value = buildValue(spec.root, version, rng(seed))
  const w = new Writer(16)
  encode(w, version, value as never)
  const bytes = w.toBuffer()
  const oracle = new Writer()
  encodeStruct(oracle, spec.root, value, version, spec)
  expect(bytes.toString('hex'), `${label}: bytes differ from the schema walk`).toBe(oracle.toBuffer().toString('hex'))
  const r = new Reader(bytes)
  const decoded = decode(r, version)
  expect(r.remaining, `${label}: trailing bytes`).toBe(0)
  expect(decoded, label).toEqual(value)
  const again = new Writer()
  encode(again, version, decoded as never)
  expect(again.toBuffer().equals(bytes), `${label}: re-encoding differs`).toBe(true)
  const step = Math.max(1, Math.floor(bytes.length / 40))
  for (let cut = 0; cut < bytes.length; cut += step) {
    expect(() => decode(new Reader(bytes, 0, cut), version), `${label} cut at ${cut}`).toThrow(ProtocolDecodeError)
  }
}

function versions(spec: MessageSpec): number[] {
  const out: number[] = []
  for (let v = spec.validVersions.lo; v <= spec.validVersions.hi; v++) out.push(v)
  return out
}

describe('generated API codecs', () => {
  it('cover every request schema, with the schema version ranges', () => {
    expect(Object.keys(apiCodecs)).toHaveLength(requests.length)
    for (const q of requests) {
      const codec = codecFor(q.apiKey!)
      expect(codec?.minVersion, q.name).toBe(q.validVersions.lo)
      expect(codec?.maxVersion, q.name).toBe(q.validVersions.hi)
      expect(apiTable[q.apiKey!]?.name).toBe(codec?.name)
      expect(`${codec?.name}Request`).toBe(q.name)
    }
    expect(codecFor(9999)).toBeUndefined()
    expect(codecFor(-1)).toBeUndefined()
  })

  it.each(requests.map((q) => [q.name.replace(/Request$/, ''), q] as const))('%s: every version round-trips', (name, q) => {
    const codec: ApiCodec = codecFor(q.apiKey!)!
    const s = byName.get(`${name}Response`)!
    for (const v of versions(q)) {
      for (const seed of [1, 2]) {
        roundTrip(`${name}Request v${v}`, q, v, q.apiKey! * 1000 + v * 10 + seed, codec.encodeRequest, codec.decodeRequest)
        roundTrip(`${name}Response v${v}`, s, v, q.apiKey! * 1000 + v * 10 + seed + 5, codec.encodeResponse, codec.decodeResponse)
      }
    }
  })

  it('survives random bytes with ProtocolDecodeError or a value', () => {
    const rand = rng(7)
    for (const q of requests) {
      const codec = codecFor(q.apiKey!)!
      for (let i = 0; i < 20; i++) {
        const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)))
        for (const v of [q.validVersions.lo, q.validVersions.hi]) {
          try {
            codec.decodeRequest(new Reader(bytes), v)
          } catch (err) {
            expect(err, `${q.name} v${v} ${bytes.toString('hex')}`).toBeInstanceOf(ProtocolDecodeError)
          }
        }
      }
    }
  })
})

describe('generated header codecs', () => {
  it.each([['RequestHeader', headers.encodeRequestHeader, headers.decodeRequestHeader], ['ResponseHeader', headers.encodeResponseHeader, headers.decodeResponseHeader]] as const)(
    '%s round-trips every version', (name, encode, decode) => {
      const spec = byName.get(name)!
      for (const v of versions(spec)) roundTrip(`${name} v${v}`, spec, v, v, encode as Encode, decode)
    })

  it('keeps the client id a classic string in header v2', () => {
    const w = new Writer()
    headers.encodeRequestHeader(w, 2, { requestApiKey: 3, requestApiVersion: 12, correlationId: 7, clientId: 'ab' })
    expect(w.toBuffer().toString('hex')).toBe('0003' + '000c' + '00000007' + '0002' + '6162' + '00')
  })

  it('chooses header versions as Kafka does', () => {
    expect(headers.requestHeaderVersion(18, 3)).toBe(2)
    expect(headers.requestHeaderVersion(18, 4)).toBe(2)
    expect(headers.requestHeaderVersion(18, 2)).toBe(1)
    expect(headers.requestHeaderVersion(7, 0)).toBe(0)
    expect(headers.requestHeaderVersion(7, 1)).toBe(1)
    expect(headers.requestHeaderVersion(3, 9)).toBe(2)
    expect(headers.requestHeaderVersion(17, 1)).toBe(1)
    expect(headers.requestHeaderVersion(9999, 0)).toBe(1)
    expect(headers.responseHeaderVersion(18, 3)).toBe(0)
    expect(headers.responseHeaderVersion(3, 9)).toBe(1)
    expect(headers.responseHeaderVersion(3, 8)).toBe(0)
  })
})

describe('generated record codecs', () => {
  const dataSchemas = [
    ...schemas(recordsDir).filter((m) => m.type === 'data').map((m) => ['records', m] as const),
    ...messages.filter((m) => m.type === 'data').map((m) => ['data', m] as const),
  ]
  it.each(dataSchemas.map(([dir, m]) => [m.name, dir, m] as const))('%s round-trips every version', async (name, dir, m) => {
    const file = path.join(root, 'src/protocol/generated', dir, `${kebabCase(name)}.ts`)
    const mod = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<string, Encode & Decode>
    for (const v of versions(m)) roundTrip(`${name} v${v}`, m, v, v + 11, mod[`encode${name}`]!, mod[`decode${name}`]!)
  })
})

describe('generated codec details', () => {
  const metadata = codecFor(3) as ApiCodec<Record<string, Value>>
  const request = { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }

  it('refuses null where the version does not allow it', () => {
    expect(() => metadata.encodeRequest(new Writer(), 0, request)).toThrow(ProtocolEncodeError)
    expect(() => metadata.encodeRequest(new Writer(), 0, request)).toThrow(/MetadataRequest.topics is not nullable in version 0/)
    const w = new Writer()
    metadata.encodeRequest(w, 1, request)
    expect(w.toBuffer().toString('hex')).toBe('ffffffff')
  })

  it('skips unknown tagged fields and rejects a known one whose size lies', () => {
    const w = new Writer()
    metadata.encodeRequest(w, 12, request)
    const plain = w.toBuffer()
    expect(plain.toString('hex')).toBe('00010000')
    const withUnknown = Buffer.concat([plain.subarray(0, 3), Buffer.from('01' + '2a' + '02' + 'abcd', 'hex')])
    expect(metadata.decodeRequest(new Reader(withUnknown), 12)).toEqual(request)
    const fetch = codecFor(1)!
    // FetchRequest v12 with no topics, then tag 0 (ClusterId, a compact string) sized 3 but 2 long.
    const head = 'ffffffff' + '00000000'.repeat(3) + '00' + '00000000'.repeat(2) + '01' + '01' + '01'
    const honest = Buffer.from(head + '01' + '00' + '02' + '02' + '61', 'hex')
    expect(fetch.decodeRequest(new Reader(honest), 12)).toMatchObject({ clusterId: 'a', replicaId: -1 })
    const lying = Buffer.from(head + '01' + '00' + '03' + '02' + '61' + 'ff', 'hex')
    expect(() => fetch.decodeRequest(new Reader(lying), 12)).toThrow(/tagged field ends/)
  })

  it('writes a tagged field only when it differs from its default', () => {
    const apiVersions = codecFor(18) as ApiCodec<unknown, Record<string, Value>>
    const response = { errorCode: 0, apiKeys: [], throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: false }
    const w = new Writer()
    apiVersions.encodeResponse(w, 3, response)
    expect(w.toBuffer().toString('hex')).toBe('0000' + '01' + '00000000' + '00')
    const w2 = new Writer()
    apiVersions.encodeResponse(w2, 3, { ...response, finalizedFeaturesEpoch: 5n, zkMigrationReady: true })
    expect(w2.toBuffer().toString('hex')).toBe('0000' + '01' + '00000000' + '02' + '01' + '08' + '0000000000000005' + '03' + '01' + '01')
  })
})
