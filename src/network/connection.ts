/**
 * One client connection: frames in, requests dispatched concurrently, responses out in request
 * order. A request that cannot be served closes this connection only, with a warning that names
 * the api key, version and client id.
 */
import type { Socket } from 'node:net'
import type { ConnectionInfo } from '../handlers/handler.js'
import type { Logger } from '../log.js'
import type { Dispatcher } from './dispatcher.js'
import { RequestFailure } from './dispatcher.js'
import { FrameDecoder, FrameSizeError } from './frame-decoder.js'
import { ResponseQueue } from './response-queue.js'

export interface ConnectionOptions {
  readonly id: number
  readonly socket: Socket
  readonly listenerName: string
  readonly maxRequestBytes: number
  /** connections.max.idle.ms; zero or less never closes an idle connection. */
  readonly idleTimeoutMs: number
  readonly dispatcher: Dispatcher
  readonly log: Logger
}

/** Requests read ahead of their responses before the connection stops reading (backpressure). */
const MAX_IN_FLIGHT = 100
/** How long a graceful close waits for in-flight requests before cutting the connection. */
const CLOSE_GRACE_MS = 10_000

export class Connection {
  readonly info: ConnectionInfo
  readonly #socket: Socket
  readonly #decoder: FrameDecoder
  readonly #queue: ResponseQueue
  readonly #dispatcher: Dispatcher
  readonly #log: Logger
  readonly #closed: Promise<void>
  #closing = false
  #writeBlocked = false

  constructor(options: ConnectionOptions) {
    const { socket, log } = options
    this.#socket = socket
    this.#dispatcher = options.dispatcher
    this.#decoder = new FrameDecoder(options.maxRequestBytes)
    this.#queue = new ResponseQueue((chunks) => this.#send(chunks))
    const remote = `${socket.remoteAddress}:${socket.remotePort}`
    this.info = { id: options.id, remote, listenerName: options.listenerName, clientSoftware: undefined }
    this.#log = log.child({ conn: options.id, remote, listener: options.listenerName })
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()))

    socket.setNoDelay(true)
    if (options.idleTimeoutMs > 0) {
      socket.setTimeout(options.idleTimeoutMs, () => {
        if (this.#queue.pending > 0) return
        this.#log.info('closing idle connection (connections.max.idle.ms)')
        socket.destroy()
      })
    }
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('drain', () => {
      this.#writeBlocked = false
      this.#updateReading()
    })
    socket.on('error', (err) => this.#log.debug({ err }, 'socket error'))
    this.#log.debug('connection opened')
    socket.once('close', () => this.#log.debug('connection closed'))
  }

  /** Stops reading requests, lets in-flight ones answer, then closes. */
  async close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = true
      this.#socket.pause()
      this.#endIfIdle()
      const timer = setTimeout(() => this.#socket.destroy(), CLOSE_GRACE_MS)
      timer.unref()
      void this.#closed.then(() => clearTimeout(timer))
    }
    await this.#closed
  }

  #onData(chunk: Buffer): void {
    if (this.#closing) return
    let frames: Buffer[]
    try {
      frames = this.#decoder.push(chunk)
    } catch (err) {
      if (!(err instanceof FrameSizeError)) throw err
      this.#log.warn({ frameSize: err.size }, `closing connection: ${err.message}`)
      this.#socket.destroy()
      return
    }
    for (const frame of frames) this.#dispatch(frame)
    this.#updateReading()
  }

  #dispatch(frame: Buffer): void {
    const ticket = this.#queue.take()
    this.#dispatcher.dispatch(frame, this.info, this.#log).then(
      (chunks) => {
        if (this.#socket.destroyed) return
        this.#queue.complete(ticket, chunks)
        this.#updateReading()
        if (this.#closing) this.#endIfIdle()
      },
      (err: unknown) => this.#fail(err),
    )
  }

  #send(chunks: readonly Buffer[]): void {
    this.#socket.cork()
    let ok = true
    for (const chunk of chunks) ok = this.#socket.write(chunk)
    this.#socket.uncork()
    if (!ok) this.#writeBlocked = true
  }

  /** Reads while few requests wait for answers and the peer keeps up with our writes. */
  #updateReading(): void {
    if (this.#closing) return
    if (this.#writeBlocked || this.#queue.pending >= MAX_IN_FLIGHT) this.#socket.pause()
    else this.#socket.resume()
  }

  #endIfIdle(): void {
    if (this.#queue.pending === 0) this.#socket.end()
  }

  #fail(err: unknown): void {
    if (this.#socket.destroyed) return
    if (err instanceof RequestFailure) {
      this.#log.warn({ ...err.request, err: err.cause }, `closing connection: ${err.message}`)
    } else {
      this.#log.warn({ err }, 'closing connection: unexpected error')
    }
    this.#socket.destroy()
  }
}
