/**
 * Captures golden request bytes from real Kafka clients.
 * Usage: tsx scripts/capture-golden.ts [client...]   (default: every client below)
 *
 * For each client a tiny TCP server (built on the generated codecs) answers ApiVersions
 * (advertising only ApiVersions and Metadata, with the apiTable ranges) and Metadata (this
 * server as the one broker; the requested topics with one partition each, none when all are
 * asked for). Each request frame, without its 4-byte size prefix, is written as lowercase hex
 * to test/golden/<client>-<api>-v<version>.hex; further distinct frames of the same API
 * version get a suffix: -2, -3, ...
 */
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { ApiKey, apiTable } from '../src/protocol/generated/api-keys.js'
import { ApiVersions, type ApiVersionsResponse } from '../src/protocol/generated/api-versions.js'
import { decodeRequestHeader, encodeResponseHeader, requestHeaderVersion, responseHeaderVersion } from '../src/protocol/generated/headers.js'
import { Metadata, type MetadataResponse } from '../src/protocol/generated/metadata.js'
import { Reader } from '../src/protocol/primitives/reader.js'
import { randomUuid } from '../src/protocol/primitives/uuid.js'
import { Writer } from '../src/protocol/primitives/writer.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const goldenDir = path.join(root, 'test/golden')
const NODE_ID = 1
const ADVERTISED = [ApiKey.ApiVersions, ApiKey.Metadata]

const clients: Record<string, (port: number) => string[]> = {
  kafkajs: (port) => [
    process.execPath, '-e',
    `const { Kafka, logLevel } = require('kafkajs')
     const admin = new Kafka({ brokers: ['127.0.0.1:${port}'], logLevel: logLevel.NOTHING }).admin()
     admin.connect().then(() => admin.listTopics()).then((t) => { console.log(t); return admin.disconnect() })`,
  ],
  kcat: (port) => ['kcat', '-b', `127.0.0.1:${port}`, '-L'],
  'kcat-topic': (port) => ['kcat', '-b', `127.0.0.1:${port}`, '-L', '-t', 'golden-topic'],
  'kafka-python': (port) => [
    '/usr/bin/python3', '-c',
    `from kafka import KafkaAdminClient; print(KafkaAdminClient(bootstrap_servers='127.0.0.1:${port}').list_topics())`,
  ],
  platformatic: (port) => [
    process.execPath, '--input-type=module', '-e',
    `import { Admin } from '@platformatic/kafka'
     const admin = new Admin({ clientId: 'brook-golden', bootstrapBrokers: ['127.0.0.1:${port}'] })
     console.log(await admin.listTopics()); await admin.close()`,
  ],
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()
}

function apiVersionsResponse(version: number): ApiVersionsResponse {
  const supported = version <= ApiVersions.maxVersion
  return {
    errorCode: supported ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: ADVERTISED.map((k) => ({ apiKey: k, minVersion: apiTable[k]!.minVersion, maxVersion: apiTable[k]!.maxVersion })),
    throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: false,
  }
}

function metadataResponse(port: number, topics: readonly (string | null)[]): MetadataResponse {
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: NODE_ID, host: '127.0.0.1', port, rack: null }],
    clusterId: 'brook-golden-cluster',
    controllerId: NODE_ID,
    topics: topics.map((name) => ({
      errorCode: 0, name, topicId: randomUuid(), isInternal: false, topicAuthorizedOperations: -2147483648,
      partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: NODE_ID, leaderEpoch: 0, replicaNodes: [NODE_ID], isrNodes: [NODE_ID], offlineReplicas: [] }],
    })),
    clusterAuthorizedOperations: -2147483648,
  }
}

/** Answers one request frame; returns the response frame, or null to close the connection. */
function answer(frame: Buffer, port: number, save: (apiName: string, version: number) => void): Buffer | null {
  const apiKey = frame.readInt16BE(0)
  const apiVersion = frame.readInt16BE(2)
  const r = new Reader(frame)
  const header = decodeRequestHeader(r, requestHeaderVersion(apiKey, apiVersion))
  const api = apiTable[apiKey]
  if (api) save(api.name, apiVersion)
  const w = new Writer()
  w.writeInt32(0)
  if (apiKey === ApiKey.ApiVersions) {
    // An unsupported version is answered in v0, as Kafka does, so the client retries lower.
    const v = apiVersion <= ApiVersions.maxVersion ? apiVersion : 0
    encodeResponseHeader(w, responseHeaderVersion(apiKey, v), { correlationId: header.correlationId })
    ApiVersions.encodeResponse(w, v, apiVersionsResponse(apiVersion))
  } else if (apiKey === ApiKey.Metadata && apiVersion <= Metadata.maxVersion) {
    const request = Metadata.decodeRequest(r, apiVersion)
    encodeResponseHeader(w, responseHeaderVersion(apiKey, apiVersion), { correlationId: header.correlationId })
    Metadata.encodeResponse(w, apiVersion, metadataResponse(port, (request.topics ?? []).map((t) => t.name)))
  } else {
    console.error(`unexpected request: api ${apiKey} v${apiVersion}`)
    return null
  }
  const out = w.toBuffer()
  out.writeInt32BE(out.length - 4, 0)
  return out
}

function serve(socket: Socket, port: number, save: (frame: Buffer) => (apiName: string, version: number) => void): void {
  let pending = Buffer.alloc(0)
  socket.on('error', () => socket.destroy())
  socket.on('data', (data) => {
    pending = Buffer.concat([pending, data])
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const frame = pending.subarray(4, 4 + pending.readInt32BE(0))
      pending = pending.subarray(4 + frame.length)
      const response = answer(frame, port, save(frame))
      if (response === null) return void socket.destroy()
      socket.write(response)
    }
  })
}

async function capture(client: string): Promise<string[]> {
  const written: string[] = []
  const seen = new Map<string, string[]>()
  const save = (frame: Buffer) => (apiName: string, version: number): void => {
    const base = `${client}-${kebab(apiName)}-v${version}`
    // Frames that differ only in their correlation id are the same request.
    const key = Buffer.concat([frame.subarray(0, 4), frame.subarray(8)]).toString('hex')
    const frames = seen.get(base) ?? []
    if (frames.includes(key)) return
    frames.push(key)
    seen.set(base, frames)
    const file = `${base}${frames.length > 1 ? `-${frames.length}` : ''}.hex`
    writeFileSync(path.join(goldenDir, file), `${frame.toString('hex')}\n`)
    written.push(file)
  }
  const server = createServer((socket) => serve(socket, (server.address() as AddressInfo).port, save))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const [cmd, ...args] = clients[client]!((server.address() as AddressInfo).port)
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(cmd!, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], timeout: 30_000 })
    child.on('error', reject)
    child.on('exit', resolve)
  })
  server.close()
  if (code !== 0) console.error(`${client} exited with ${code}`)
  return written
}

mkdirSync(goldenDir, { recursive: true })
const selected = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(clients)
for (const client of selected) {
  if (!clients[client]) throw new Error(`unknown client ${client}; known: ${Object.keys(clients).join(', ')}`)
  console.log(`${client}: ${(await capture(client)).join(', ')}`)
}
