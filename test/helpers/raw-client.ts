/**
 * A bare Kafka-protocol client for tests that need exact control over the bytes: pipelined
 * requests, odd versions, garbage. Requests are encoded with the generated codecs.
 */
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import type { ApiCodec } from '../../src/protocol/generated/api-keys.js'
import {
  decodeResponseHeader,
  encodeRequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../src/protocol/generated/headers.js'
import { Reader } from '../../src/protocol/primitives/reader.js'
import { Writer } from '../../src/protocol/primitives/writer.js'

export class RawClient {
  readonly #socket: Socket
  readonly #frames: Buffer[] = []
  readonly #waiters: (() => void)[] = []
  #pending = Buffer.alloc(0)
  #closed = false
  #correlationId = 0

  private constructor(socket: Socket) {
    this.#socket = socket
    socket.on('data', (chunk: Buffer) => {
      this.#pending = Buffer.concat([this.#pending, chunk])
      while (this.#pending.length >= 4 && this.#pending.length >= 4 + this.#pending.readInt32BE(0)) {
        const size = this.#pending.readInt32BE(0)
        this.#frames.push(this.#pending.subarray(4, 4 + size))
        this.#pending = this.#pending.subarray(4 + size)
      }
      this.#wake()
    })
    socket.on('close', () => {
      this.#closed = true
      this.#wake()
    })
    socket.on('error', () => undefined)
  }

  static async connect(bootstrap: string): Promise<RawClient> {
    const [host, port] = splitHostPort(bootstrap)
    const socket = connect(port, host)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return new RawClient(socket)
  }

  /** True once the broker has closed the connection. */
  get closed(): boolean {
    return this.#closed
  }

  /** Encodes a request (header version from the API's flexible versions) and returns its correlation id. */
  send<Req>(api: ApiCodec<Req, unknown>, version: number, request: Req, clientId = 'raw-test'): number {
    const correlationId = ++this.#correlationId
    const w = new Writer()
    encodeRequestHeader(w, requestHeaderVersion(api.apiKey, version), {
      requestApiKey: api.apiKey,
      requestApiVersion: version,
      correlationId,
      clientId,
    })
    api.encodeRequest(w, version, request)
    this.sendFrame(w.toBuffer())
    return correlationId
  }

  /** Sends `body` behind a size prefix, whatever it holds. */
  sendFrame(body: Buffer): void {
    const size = Buffer.alloc(4)
    size.writeInt32BE(body.length)
    this.sendRaw(Buffer.concat([size, body]))
  }

  sendRaw(bytes: Buffer): void {
    this.#socket.write(bytes)
  }

  /** The next response frame (without its size), or an error if the connection closes first. */
  async nextFrame(timeoutMs = 10_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs
    while (this.#frames.length === 0) {
      if (this.#closed) throw new Error('connection closed by the broker')
      if (Date.now() > deadline) throw new Error('no response before the deadline')
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve)
        setTimeout(resolve, 50)
      })
    }
    return this.#frames.shift() as Buffer
  }

  /** Reads the next response and decodes it as `api` at `version`. */
  async receive<Res>(api: ApiCodec<unknown, Res>, version: number): Promise<{ correlationId: number; body: Res }> {
    const r = new Reader(await this.nextFrame())
    const { correlationId } = decodeResponseHeader(r, responseHeaderVersion(api.apiKey, version))
    return { correlationId, body: api.decodeResponse(r, version) }
  }

  /** Resolves once the broker closed the connection (rejects after the deadline). */
  async waitClosed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.#closed) {
      if (Date.now() > deadline) throw new Error('connection still open')
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve)
        setTimeout(resolve, 50)
      })
    }
  }

  /** Stops reading from the socket: the broker's answers back up in its buffers and the kernel's. */
  pause(): void {
    this.#socket.pause()
  }

  resume(): void {
    this.#socket.resume()
  }

  close(): void {
    this.#socket.destroy()
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w()
  }
}

export function splitHostPort(address: string): [string, number] {
  const i = address.lastIndexOf(':')
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), Number(address.slice(i + 1))]
}
