/**
 * One client connection: frames in, requests dispatched concurrently, responses out in request
 * order. A request that cannot be served closes this connection only, with a warning that names
 * the api key, version and client id.
 *
 * Responses that become ready in one turn of the event loop leave in one write: they are
 * gathered and flushed on the next tick (after the promise jobs that complete them), so a
 * pipelining client costs one system call per batch of answers, not one per answer.
 */
import type { Socket } from 'node:net'
import type { ConnectionInfo } from '../handlers/handler.js'
import type { Logger } from '../log.js'
import type { Dispatcher } from './dispatcher.js'
import { RequestFailure } from './dispatcher.js'
import { FrameDecoder, FrameSizeError } from './frame-decoder.js'
import { FramePool } from './frame-pool.js'
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
  /** Called with response chunks once the socket has written them (or copied them): their memory may be reused. */
  readonly onSent?: (chunk: Buffer) => void
}

/** Requests read ahead of their responses before the connection stops reading (backpressure). */
const MAX_IN_FLIGHT = 100
/**
 * Response bytes the socket may hold unsent before the connection stops reading (backpressure).
 * Well above one Fetch answer (1 MiB per partition by default) so that a consumer's next
 * request is read, and its disk read started, while the previous answer drains.
 */
const MAX_UNSENT_BYTES = 8 * 1024 * 1024
/** Gathered responses up to this size are copied into one buffer; larger ones go out as a writev. */
const COALESCE_BYTES = 16 * 1024
/** How long a graceful close waits for in-flight requests before cutting the connection. */
const CLOSE_GRACE_MS = 10_000

export class Connection {
  readonly info: ConnectionInfo
  readonly #socket: Socket
  readonly #decoder: FrameDecoder
  readonly #frames = new FramePool()
  readonly #queue: ResponseQueue
  readonly #dispatcher: Dispatcher
  readonly #log: Logger
  readonly #onSent: ((chunk: Buffer) => void) | undefined
  readonly #closed: Promise<void>
  #closing = false
  /** Responses ready to go out at the next flush, and their size in bytes. */
  #outbox: Buffer[] = []
  #outboxBytes = 0
  #flushQueued = false
  readonly #flushOnTick = (): void => this.#flush()

  constructor(options: ConnectionOptions) {
    const { socket, log } = options
    this.#socket = socket
    this.#dispatcher = options.dispatcher
    this.#onSent = options.onSent
    this.#decoder = new FrameDecoder(options.maxRequestBytes, this.#frames)
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
    socket.on('drain', () => this.#updateReading())
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
        // Settled without error: nothing holds the frame now. After an error some append may, so it is not reused.
        this.#frames.give(frame)
        if (this.#socket.destroyed) return
        this.#queue.complete(ticket, chunks)
        this.#updateReading()
        if (this.#closing) this.#endIfIdle()
      },
      (err: unknown) => this.#fail(err),
    )
  }

  #send(chunks: readonly Buffer[]): void {
    for (const chunk of chunks) {
      this.#outbox.push(chunk)
      this.#outboxBytes += chunk.length
    }
    if (!this.#flushQueued) {
      this.#flushQueued = true
      process.nextTick(this.#flushOnTick)
    }
  }

  /**
   * Writes every gathered response: one buffer when small, else one corked writev. The chunks
   * go to onSent once the kernel has them; after a failed write they are left to the collector,
   * since the socket may not be done with them.
   */
  #flush(): void {
    this.#flushQueued = false
    const out = this.#outbox
    const bytes = this.#outboxBytes
    if (out.length === 0 || this.#socket.destroyed) return
    this.#outbox = []
    this.#outboxBytes = 0
    const onSent = this.#onSent
    const sent = onSent === undefined ? undefined : (err?: Error | null): void => {
      if (!err) for (const chunk of out) onSent(chunk)
    }
    if (out.length > 1 && bytes <= COALESCE_BYTES) {
      this.#socket.write(Buffer.concat(out, bytes))
      sent?.()
    } else if (out.length === 1) {
      this.#socket.write(out[0]!, sent)
    } else {
      this.#socket.cork()
      for (let i = 0; i < out.length - 1; i++) this.#socket.write(out[i]!)
      this.#socket.write(out[out.length - 1]!, sent)
      this.#socket.uncork()
    }
    this.#updateReading()
  }

  /** Reads while few requests wait for answers and the peer keeps up with our writes. */
  #updateReading(): void {
    if (this.#closing) return
    if (this.#socket.writableLength >= MAX_UNSENT_BYTES || this.#queue.pending >= MAX_IN_FLIGHT) this.#socket.pause()
    else this.#socket.resume()
  }

  #endIfIdle(): void {
    if (this.#queue.pending > 0) return
    this.#flush()
    this.#socket.end()
  }

  #fail(err: unknown): void {
    if (this.#socket.destroyed) return
    // The answers to earlier requests leave before the connection closes, as they would have unbatched.
    this.#flush()
    if (err instanceof RequestFailure) {
      this.#log.warn({ ...err.request, err: err.cause }, `closing connection: ${err.message}`)
    } else {
      this.#log.warn({ err }, 'closing connection: unexpected error')
    }
    this.#socket.destroy()
  }
}
