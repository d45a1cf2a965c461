/**
 * One TCP connection to one broker: size-prefixed frames, correlation ids, and a promise per
 * request. Requests may be pipelined; responses are matched by correlation id.
 */
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import type { ApiCodec } from '../../protocol/generated/api-keys.js'
import {
  decodeResponseHeader,
  encodeRequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../protocol/generated/headers.js'
import { Reader } from '../../protocol/primitives/reader.js'
import { Writer } from '../../protocol/primitives/writer.js'
import { ConnectionError, ToolError } from './tool-error.js'

export interface BrokerAddress {
  readonly host: string
  readonly port: number
}

interface Pending {
  readonly resolve: (frame: Buffer) => void
  readonly reject: (err: Error) => void
}

export class BrokerConnection {
  readonly address: BrokerAddress
  readonly #socket: Socket
  readonly #clientId: string
  /** How long a request may wait for its response (request.timeout.ms); Infinity: no limit. */
  readonly #requestTimeoutMs: number
  readonly #pending = new Map<number, Pending>()
  #buffered: Buffer = Buffer.alloc(0)
  #correlationId = 0
  #failure: Error | undefined

  private constructor(socket: Socket, address: BrokerAddress, clientId: string, requestTimeoutMs: number) {
    this.#socket = socket
    this.address = address
    this.#clientId = clientId
    this.#requestTimeoutMs = requestTimeoutMs
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('error', (err) => this.#fail(this.#lostError(err.message)))
    socket.on('close', () => this.#fail(this.#lostError('connection closed by the broker')))
  }

  static async open(address: BrokerAddress, clientId: string, requestTimeoutMs = Infinity, timeoutMs = 10_000): Promise<BrokerConnection> {
    const socket = connect({ host: address.host, port: address.port, noDelay: true })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new ConnectionError(`Connection to ${formatAddress(address)} timed out after ${timeoutMs} ms`))
      }, timeoutMs)
      socket.once('connect', () => {
        clearTimeout(timer)
        resolve()
      })
      socket.once('error', (err) => {
        clearTimeout(timer)
        reject(new ConnectionError(`Connection to ${formatAddress(address)} could not be established (${err.message}). Broker may not be available.`))
      })
    })
    return new BrokerConnection(socket, address, clientId, requestTimeoutMs)
  }

  /** Sends `request` as `api` at `version` and resolves with the decoded response. */
  async request<Req, Res>(api: ApiCodec<Req, Res>, version: number, request: Req): Promise<Res> {
    const frame = await this.#send(api, version, request)
    const r = new Reader(frame)
    decodeResponseHeader(r, responseHeaderVersion(api.apiKey, version))
    return api.decodeResponse(r, version)
  }

  /** Sends a request the broker does not answer (Produce with acks=0). */
  post<Req>(api: ApiCodec<Req, unknown>, version: number, request: Req): void {
    if (this.#failure) throw this.#failure
    this.#socket.write(this.#encode(api, version, request, ++this.#correlationId))
  }

  close(): void {
    this.#failure ??= new ConnectionError('connection closed')
    this.#socket.destroy()
  }

  #send<Req>(api: ApiCodec<Req, unknown>, version: number, request: Req): Promise<Buffer> {
    if (this.#failure) return Promise.reject(this.#failure)
    const correlationId = ++this.#correlationId
    const bytes = this.#encode(api, version, request, correlationId)
    return new Promise<Buffer>((resolve, reject) => {
      const timer = Number.isFinite(this.#requestTimeoutMs)
        ? setTimeout(() => {
            this.#pending.delete(correlationId)
            reject(new ToolError(`org.apache.kafka.common.errors.TimeoutException: ${api.name} got no response from ${formatAddress(this.address)} within ${this.#requestTimeoutMs} ms`))
          }, this.#requestTimeoutMs)
        : undefined
      const settle = <T>(done: (v: T) => void) => (v: T): void => {
        clearTimeout(timer)
        done(v)
      }
      this.#pending.set(correlationId, { resolve: settle(resolve), reject: settle(reject) })
      this.#socket.write(bytes)
    })
  }

  #encode<Req>(api: ApiCodec<Req, unknown>, version: number, request: Req, correlationId: number): Buffer {
    const w = new Writer()
    w.writeInt32(0)
    encodeRequestHeader(w, requestHeaderVersion(api.apiKey, version), {
      requestApiKey: api.apiKey,
      requestApiVersion: version,
      correlationId,
      clientId: this.#clientId,
    })
    api.encodeRequest(w, version, request)
    const bytes = w.toBuffer()
    bytes.writeInt32BE(bytes.length - 4, 0)
    return bytes
  }

  #onData(chunk: Buffer): void {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk])
    while (this.#buffered.length >= 4) {
      const size = this.#buffered.readInt32BE(0)
      if (this.#buffered.length < 4 + size) break
      const frame = this.#buffered.subarray(4, 4 + size)
      this.#buffered = this.#buffered.subarray(4 + size)
      const correlationId = frame.readInt32BE(0)
      const pending = this.#pending.get(correlationId)
      if (pending === undefined) continue
      this.#pending.delete(correlationId)
      pending.resolve(frame)
    }
  }

  #lostError(reason: string): ConnectionError {
    return new ConnectionError(`Connection to ${formatAddress(this.address)} was lost: ${reason}`)
  }

  #fail(err: Error): void {
    this.#failure ??= err
    for (const p of this.#pending.values()) p.reject(this.#failure)
    this.#pending.clear()
  }
}

export function formatAddress(a: BrokerAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`
}

/** Parses `host:port[,host:port...]` as Kafka's bootstrap.servers. */
export function parseBootstrap(servers: string): BrokerAddress[] {
  const out: BrokerAddress[] = []
  for (const raw of servers.split(',')) {
    const s = raw.trim()
    if (s === '') continue
    const i = s.lastIndexOf(':')
    const port = Number(s.slice(i + 1))
    if (i <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConnectionError(`Invalid url in bootstrap.servers: ${s}`)
    }
    out.push({ host: s.slice(0, i).replace(/^\[|\]$/g, ''), port })
  }
  if (out.length === 0) throw new ConnectionError('No resolvable bootstrap urls given in bootstrap.servers')
  return out
}
