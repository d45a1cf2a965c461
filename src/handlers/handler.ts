/**
 * What a handler file declares: the API (its generated codec), the version range Brook serves,
 * and `handle`. The registry is built from these declarations and ApiVersions reads it, so the
 * versions a client is offered are exactly the versions some handler implements.
 */
import type { Logger } from '../log.js'
import type { BrokerMetrics } from '../metrics/broker-metrics.js'
import type { Cluster } from '../cluster/cluster.js'
import type { GroupCoordinator } from '../coordinator/group/group-coordinator.js'
import type { TransactionCoordinator } from '../coordinator/transaction/transaction-coordinator.js'
import type { BrokerConfig } from '../config/broker-config.js'
import type { ConfigAdmin } from '../config/config-admin.js'
import type { TopicConfigs } from '../config/topic-config-cache.js'
import type { FetchService } from '../replica/fetch-service.js'
import type { ReplicaManager } from '../replica/replica-manager.js'
import type { ApiCodec } from '../protocol/generated/api-keys.js'
import { KafkaError } from '../protocol/kafka-error.js'
import { ProtocolDecodeError } from '../protocol/primitives/protocol-error.js'
import type { Reader } from '../protocol/primitives/reader.js'
import type { Writer } from '../protocol/primitives/writer.js'

/** Broker-wide services handlers delegate to. Later components (storage, coordinators) join here. */
export interface BrokerServices {
  readonly cluster: Cluster
  readonly config: BrokerConfig
  readonly handlers: HandlerRegistryView
  readonly replicas: ReplicaManager
  readonly fetches: FetchService
  /** Each topic's effective LogConfig and ValidatorConfig (broker defaults under its overrides). */
  readonly topicConfigs: TopicConfigs
  /** The classic group coordinator over __consumer_offsets. */
  readonly groups: GroupCoordinator
  /** Producer ids, and transactions over __transaction_state. */
  readonly transactions: TransactionCoordinator
  /** DescribeConfigs / AlterConfigs / IncrementalAlterConfigs for topics and the broker. */
  readonly configs: ConfigAdmin
  /** Request and topic counters (src/metrics); absent where handlers run without a broker (unit tests). */
  readonly metrics?: BrokerMetrics
}

/** The part of the registry handlers may read (ApiVersions lists it). */
export interface HandlerRegistryView {
  versionRanges(): readonly { apiKey: number; minVersion: number; maxVersion: number }[]
}

/** Per-connection facts; ApiVersions v3 fills in the client software. */
export interface ConnectionInfo {
  readonly id: number
  readonly remote: string
  readonly listenerName: string
  clientSoftware: { readonly name: string; readonly version: string } | undefined
}

export interface RequestContext {
  readonly apiVersion: number
  readonly correlationId: number
  readonly clientId: string | null
  readonly connection: ConnectionInfo
  readonly services: BrokerServices
  readonly log: Logger
}

export interface Handler<Req = unknown, Res = unknown> {
  readonly api: ApiCodec<Req, Res>
  readonly minVersion: number
  readonly maxVersion: number
  /** Returns the response; `null` for a request that gets none (Produce with acks=0). */
  readonly handle: (request: Req, ctx: RequestContext) => Res | null | Promise<Res | null>
  /**
   * The whole-request error answer for APIs with a top-level error code. A KafkaError thrown by
   * `handle` becomes this response; without it the connection is closed with a warning, as for
   * any other failure.
   */
  readonly errorResponse?: (request: Req, errorCode: number, ctx: RequestContext) => Res
}

/** Writes a response body; null when the request gets no response. */
export type ResponseBody = ((w: Writer) => void) | null

/** A handler with its request and response types erased, as the registry and dispatcher hold it. */
export interface ApiHandler {
  readonly apiKey: number
  readonly name: string
  readonly minVersion: number
  readonly maxVersion: number
  /** Decodes the request body (all of it), handles it and returns the response body. */
  serve(body: Reader, ctx: RequestContext): Promise<ResponseBody>
}

/** Checks the declared range against what the generated codec can encode. */
export function defineHandler<Req, Res>(handler: Handler<Req, Res>): ApiHandler {
  const { api, minVersion, maxVersion, handle, errorResponse } = handler
  if (minVersion < api.minVersion || maxVersion > api.maxVersion || minVersion > maxVersion) {
    throw new Error(
      `${api.name} handler declares v${minVersion}-${maxVersion} but the codec covers v${api.minVersion}-${api.maxVersion}`,
    )
  }
  return {
    apiKey: api.apiKey,
    name: api.name,
    minVersion,
    maxVersion,
    async serve(body, ctx) {
      const started = performance.now()
      let response: Res | null | undefined
      try {
        const request = api.decodeRequest(body, ctx.apiVersion)
        if (body.remaining > 0) throw new ProtocolDecodeError(`${body.remaining} bytes left after the ${api.name} request`)
        try {
          response = await handle(request, ctx)
        } catch (err) {
          if (!(err instanceof KafkaError) || !errorResponse) throw err
          ctx.log.debug({ err }, `${api.name} answered with ${err.errorName}`)
          response = errorResponse(request, err.code, ctx)
        }
      } finally {
        // A request that throws (its connection is closed) is counted too, with response undefined.
        ctx.services.metrics?.requests.record(api.apiKey, api.name, ctx.apiVersion, performance.now() - started, response as object | null | undefined)
      }
      if (response === null) return null
      const answer = response
      return (w) => api.encodeResponse(w, ctx.apiVersion, answer)
    },
  }
}
