/**
 * The broker's HTTP side for operators (`metrics.port`): `GET /metrics` in Prometheus text,
 * `GET /health` for liveness (the process answers) and `GET /health/ready` for readiness (200
 * once listeners are bound and logs loaded, i.e. Kafka's broker state RUNNING; 503 before and
 * while shutting down). Bound on every interface, as a metrics exporter in a container must be.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { BrookError, BrookErrorCode } from '../brook-error.js'
import type { Logger } from '../log.js'
import { BrokerState, brokerStateName } from './broker-metrics.js'
import type { BrokerMetrics } from './broker-metrics.js'
import { CONTENT_TYPE } from './exposition.js'

export interface MetricsServerOptions {
  /** 0: an ephemeral port. */
  readonly port: number
  readonly metrics: BrokerMetrics
  readonly log: Logger
}

export class MetricsServer {
  readonly port: number
  readonly #server: Server

  private constructor(server: Server, port: number) {
    this.#server = server
    this.port = port
  }

  static async start(options: MetricsServerOptions): Promise<MetricsServer> {
    const { metrics, log } = options
    const server = createServer((req, res) => {
      try {
        answer(req, res, metrics)
      } catch (err) {
        log.error({ err, url: req.url }, 'metrics request failed')
        if (!res.headersSent) res.writeHead(500)
        res.end()
      }
    })
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const reason = err.code === 'EADDRINUSE' ? 'the port is already in use' : err.message
        reject(new BrookError(BrookErrorCode.LISTEN_FAILED, `Cannot serve metrics on port ${options.port}: ${reason}. Check metrics.port.`, { cause: err }))
      })
      server.listen({ port: options.port }, () => {
        const address = server.address()
        resolve(typeof address === 'object' && address ? address.port : options.port)
      })
    })
    server.on('error', (err) => log.error({ err }, 'metrics server error'))
    log.info({ port }, 'serving metrics and health checks over HTTP')
    return new MetricsServer(server, port)
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve())
      // Scrapers keep connections alive; they must not hold the broker's shutdown.
      this.#server.closeAllConnections()
    })
  }
}

function answer(req: IncomingMessage, res: ServerResponse, metrics: BrokerMetrics): void {
  const path = (req.url ?? '/').split('?')[0]
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end()
    return
  }
  if (path === '/metrics') {
    res.writeHead(200, { 'content-type': CONTENT_TYPE }).end(metrics.render())
  } else if (path === '/health') {
    json(res, 200, { status: 'UP', brokerState: brokerStateName(metrics.state) })
  } else if (path === '/health/ready') {
    const ready = metrics.state === BrokerState.RUNNING
    json(res, ready ? 200 : 503, { status: ready ? 'UP' : 'DOWN', brokerState: brokerStateName(metrics.state) })
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try /metrics, /health or /health/ready\n')
  }
}

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`)
}
