/**
 * The TCP side of the broker: one server per listener, a Connection per accepted socket, and a
 * graceful close (stop accepting, answer in-flight requests, close connections).
 */
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { BrookError, BrookErrorCode } from '../brook-error.js'
import type { Logger } from '../log.js'
import { Connection } from './connection.js'
import type { Dispatcher } from './dispatcher.js'
import type { Endpoint } from './endpoints.js'

export interface SocketServerOptions {
  readonly listeners: readonly Endpoint[]
  readonly dispatcher: Dispatcher
  readonly maxRequestBytes: number
  readonly idleTimeoutMs: number
  readonly log: Logger
  /** Called with each response chunk once a socket has written it (Connection's onSent). */
  readonly onSent?: (chunk: Buffer) => void
  /**
   * Called as each listener is bound, before it can accept a connection, so that what Metadata
   * advertises (the bound port when the configured one is 0) is in place for the first request.
   */
  readonly onBound: (listener: Endpoint, port: number) => void
}

export interface BoundListener {
  readonly endpoint: Endpoint
  readonly port: number
}

export class SocketServer {
  readonly #servers: Server[] = []
  readonly #connections = new Set<Connection>()
  readonly #bound: BoundListener[] = []
  readonly #options: SocketServerOptions
  #nextConnectionId = 0

  private constructor(options: SocketServerOptions) {
    this.#options = options
  }

  /** Binds every listener; on any failure closes the ones already bound. */
  static async start(options: SocketServerOptions): Promise<SocketServer> {
    const server = new SocketServer(options)
    try {
      for (const endpoint of options.listeners) await server.#listen(endpoint)
    } catch (err) {
      await server.close()
      throw err
    }
    return server
  }

  /** Open connections (the connection-count metric reads them). */
  get connections(): ReadonlySet<Connection> {
    return this.#connections
  }

  get bound(): readonly BoundListener[] {
    return this.#bound
  }

  async close(): Promise<void> {
    const stopped = this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))
    await Promise.all([...this.#connections].map((c) => c.close()))
    await Promise.all(stopped)
  }

  async #listen(endpoint: Endpoint): Promise<void> {
    const { log } = this.#options
    const server = createServer((socket) => {
      const connection = new Connection({
        id: this.#nextConnectionId++,
        socket,
        listenerName: endpoint.listenerName,
        maxRequestBytes: this.#options.maxRequestBytes,
        idleTimeoutMs: this.#options.idleTimeoutMs,
        dispatcher: this.#options.dispatcher,
        log,
        onSent: this.#options.onSent,
      })
      this.#connections.add(connection)
      socket.once('close', () => this.#connections.delete(connection))
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(listenFailed(endpoint, err)))
      server.listen({ host: endpoint.host ?? undefined, port: endpoint.port }, () => {
        const address = server.address()
        const port = typeof address === 'object' && address ? address.port : endpoint.port
        this.#bound.push({ endpoint, port })
        this.#options.onBound(endpoint, port)
        resolve()
      })
    })
    this.#servers.push(server)
    server.on('error', (err) => log.error({ err, listener: endpoint.listenerName }, 'listener error'))
  }
}

function listenFailed(endpoint: Endpoint, err: NodeJS.ErrnoException): BrookError {
  const address = `${endpoint.listenerName}://${endpoint.host ?? ''}:${endpoint.port}`
  const reason = err.code === 'EADDRINUSE' ? 'the address is already in use' : err.message
  return new BrookError(BrookErrorCode.LISTEN_FAILED, `Cannot listen on ${address}: ${reason}. Check listeners.`, { cause: err })
}
