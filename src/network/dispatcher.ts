/**
 * One request frame in, one response frame out (or none): read the api key and version, decode
 * the request header in the version that API/version uses, route to the handler, and frame its
 * response behind the right response header. A request that cannot be served becomes a
 * RequestFailure naming api key, version and client id; the connection closes on it.
 */
import { apiVersionsResponse } from '../handlers/api-versions.js'
import type { ApiHandler, BrokerServices, ConnectionInfo, RequestContext, ResponseBody } from '../handlers/handler.js'
import type { HandlerRegistry } from '../handlers/registry.js'
import type { Logger } from '../log.js'
import { ApiKey } from '../protocol/generated/api-keys.js'
import { ApiVersions } from '../protocol/generated/api-versions.js'
import { decodeRequestHeader, encodeResponseHeader, requestHeaderVersion, responseHeaderVersion } from '../protocol/generated/headers.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ProtocolDecodeError } from '../protocol/primitives/protocol-error.js'
import { Reader } from '../protocol/primitives/reader.js'
import { Writer } from '../protocol/primitives/writer.js'

export interface RequestInfo {
  readonly apiKey: number
  readonly apiVersion: number
  readonly correlationId?: number
  readonly clientId?: string | null
}

export class RequestFailure extends Error {
  override name = 'RequestFailure'
  readonly request: RequestInfo

  constructor(message: string, request: RequestInfo, options?: ErrorOptions) {
    super(message, options)
    this.request = request
  }
}

const MIN_FRAME = 4

export class Dispatcher {
  readonly #handlers: HandlerRegistry
  readonly #services: BrokerServices

  constructor(handlers: HandlerRegistry, services: BrokerServices) {
    this.#handlers = handlers
    this.#services = services
  }

  /** Returns the response frame's chunks (size prefix first), or null when there is no response. */
  async dispatch(frame: Buffer, connection: ConnectionInfo, log: Logger): Promise<Buffer[] | null> {
    if (frame.length < MIN_FRAME) throw new RequestFailure('request too short for a header', { apiKey: -1, apiVersion: -1 })
    const apiKey = frame.readInt16BE(0)
    const apiVersion = frame.readInt16BE(2)
    const handler = this.#handlers.get(apiKey)
    if (!handler) throw new RequestFailure('unknown api key', { apiKey, apiVersion, clientId: peekClientId(frame) })

    const body = new Reader(frame)
    let header
    try {
      header = decodeRequestHeader(body, requestHeaderVersion(apiKey, apiVersion))
    } catch (err) {
      throw new RequestFailure('malformed request header', { apiKey, apiVersion, clientId: peekClientId(frame) }, { cause: err })
    }
    const info: RequestInfo = { apiKey, apiVersion, correlationId: header.correlationId, clientId: header.clientId }

    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === ApiKey.ApiVersions && apiVersion > handler.maxVersion) return this.#unsupportedApiVersions(header.correlationId)
      throw new RequestFailure(`unsupported ${handler.name} version (Brook serves v${handler.minVersion}-${handler.maxVersion})`, info)
    }

    const ctx = new HandlerContext(apiVersion, header.correlationId, header.clientId, connection, this.#services, log, apiKey)
    let responseBody: ResponseBody
    try {
      responseBody = await handler.serve(body, ctx)
    } catch (err) {
      throw new RequestFailure(failureMessage(handler, err), info, { cause: err })
    }
    if (responseBody === null) return null
    return frameResponse(responseHeaderVersion(apiKey, apiVersion), header.correlationId, responseBody)
  }

  /**
   * KIP-511: a client newer than the broker sends an ApiVersions version the broker does not know;
   * it gets a v0 response (readable by any client) with UNSUPPORTED_VERSION and the real ranges.
   */
  #unsupportedApiVersions(correlationId: number): Buffer[] {
    const response = apiVersionsResponse(ErrorCode.UNSUPPORTED_VERSION, this.#services.handlers)
    return frameResponse(0, correlationId, (w) => ApiVersions.encodeResponse(w, 0, response))
  }
}

function failureMessage(handler: ApiHandler, err: unknown): string {
  return err instanceof ProtocolDecodeError ? `malformed ${handler.name} request` : `${handler.name} handler failed`
}

/**
 * A handler's view of its request. The request's child logger is made on first use: most
 * requests never log, and a pino child serializes its bindings when created.
 */
class HandlerContext implements RequestContext {
  readonly apiVersion: number
  readonly correlationId: number
  readonly clientId: string | null
  readonly connection: ConnectionInfo
  readonly services: BrokerServices
  readonly #parentLog: Logger
  readonly #apiKey: number
  #log: Logger | undefined

  constructor(apiVersion: number, correlationId: number, clientId: string | null, connection: ConnectionInfo, services: BrokerServices, log: Logger, apiKey: number) {
    this.apiVersion = apiVersion
    this.correlationId = correlationId
    this.clientId = clientId
    this.connection = connection
    this.services = services
    this.#parentLog = log
    this.#apiKey = apiKey
  }

  get log(): Logger {
    this.#log ??= this.#parentLog.child({ apiKey: this.#apiKey, apiVersion: this.apiVersion, correlationId: this.correlationId })
    return this.#log
  }
}

/** The response frame's chunks: the size prefix is written into the first one, not a buffer of its own. */
function frameResponse(headerVersion: number, correlationId: number, body: (w: Writer) => void): Buffer[] {
  const w = new Writer()
  w.writeInt32(0)
  encodeResponseHeader(w, headerVersion, { correlationId })
  body(w)
  const chunks = w.toChunks()
  chunks[0]!.writeInt32BE(w.length - 4, 0)
  return chunks
}

/** Best effort, for the log line about a request that will not be served: header v1's client id. */
function peekClientId(frame: Buffer): string | null | undefined {
  try {
    return decodeRequestHeader(new Reader(frame), 1).clientId
  } catch {
    return undefined
  }
}
