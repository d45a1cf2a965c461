/**
 * The tools' client: bootstraps from the first reachable server, negotiates versions with
 * ApiVersions, learns brokers and leaders from Metadata, and finds group coordinators.
 * Each call picks the highest version both the broker and the tool's code know.
 */
import { ApiVersions } from '../../protocol/generated/api-versions.js'
import type { ApiVersionsResponse } from '../../protocol/generated/api-versions.js'
import type { ApiCodec } from '../../protocol/generated/api-keys.js'
import { FindCoordinator } from '../../protocol/generated/find-coordinator.js'
import { Metadata } from '../../protocol/generated/metadata.js'
import type { MetadataResponse } from '../../protocol/generated/metadata.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ZERO_UUID } from '../../protocol/primitives/uuid.js'
import { BrokerConnection, parseBootstrap } from './broker-connection.js'
import type { BrokerAddress } from './broker-connection.js'
import { KafkaResponseError, ToolError } from './tool-error.js'

export interface BrokerNode extends BrokerAddress {
  readonly nodeId: number
  readonly rack: string | null
}

/** A node id for "whichever broker we bootstrapped from". */
export const ANY_NODE = -1

const SOFTWARE_NAME = 'brook-tools'
const SOFTWARE_VERSION = '1'

export class ToolClient {
  readonly clientId: string
  readonly #requestTimeoutMs: number
  readonly #bootstrap: BrokerConnection
  readonly #versions: ApiVersionsResponse
  readonly #connections = new Map<number, Promise<BrokerConnection>>()
  #brokers = new Map<number, BrokerNode>()

  private constructor(clientId: string, bootstrap: BrokerConnection, versions: ApiVersionsResponse, requestTimeoutMs: number) {
    this.clientId = clientId
    this.#requestTimeoutMs = requestTimeoutMs
    this.#bootstrap = bootstrap
    this.#versions = versions
  }

  /**
   * Connects to the first server of `servers` that answers ApiVersions; every request then waits
   * at most `requestTimeoutMs` for its response.
   */
  static async connect(servers: string, clientId: string, requestTimeoutMs = Infinity): Promise<ToolClient> {
    let lastError: Error | undefined
    for (const address of parseBootstrap(servers)) {
      try {
        const conn = await BrokerConnection.open(address, clientId, requestTimeoutMs)
        const versions = await negotiate(conn)
        return new ToolClient(clientId, conn, versions, requestTimeoutMs)
      } catch (err) {
        lastError = err as Error
      }
    }
    throw lastError ?? new ToolError('no bootstrap server')
  }

  /** ApiVersions as the bootstrap broker answered it. */
  get apiVersions(): ApiVersionsResponse {
    return this.#versions
  }

  /** The version to use for `api`: the highest both sides support, at most `maxKnown`. */
  versionFor(api: ApiCodec<unknown, unknown>, maxKnown = api.maxVersion, minKnown = api.minVersion): number {
    const served = this.#versions.apiKeys.find((k) => k.apiKey === api.apiKey)
    const version = served === undefined ? -1 : Math.min(served.maxVersion, maxKnown)
    if (served === undefined || version < Math.max(served.minVersion, minKnown)) {
      throw new ToolError(`The broker does not support ${api.name}`)
    }
    return version
  }

  supports(api: ApiCodec<unknown, unknown>): boolean {
    return this.#versions.apiKeys.some((k) => k.apiKey === api.apiKey)
  }

  /** Sends to `nodeId` (ANY_NODE: the bootstrap broker) at the negotiated version. */
  async send<Req, Res>(api: ApiCodec<Req, Res>, request: Req, options: { nodeId?: number; maxVersion?: number } = {}): Promise<Res> {
    const version = this.versionFor(api as ApiCodec<unknown, unknown>, options.maxVersion)
    return (await this.connection(options.nodeId ?? ANY_NODE)).request(api, version, request)
  }

  /** Sends a request that gets no response (Produce with acks=0). */
  async post<Req>(api: ApiCodec<Req, unknown>, request: Req, options: { nodeId?: number; maxVersion?: number } = {}): Promise<void> {
    const version = this.versionFor(api as ApiCodec<unknown, unknown>, options.maxVersion)
    ;(await this.connection(options.nodeId ?? ANY_NODE)).post(api, version, request)
  }

  async connection(nodeId: number): Promise<BrokerConnection> {
    if (nodeId === ANY_NODE) return this.#bootstrap
    let conn = this.#connections.get(nodeId)
    if (conn === undefined) {
      let node = this.#brokers.get(nodeId)
      if (node === undefined) {
        await this.metadata([])
        node = this.#brokers.get(nodeId)
      }
      if (node === undefined) throw new ToolError(`Unknown broker ${nodeId}`)
      const sameAsBootstrap = node.host === this.#bootstrap.address.host && node.port === this.#bootstrap.address.port
      conn = sameAsBootstrap ? Promise.resolve(this.#bootstrap) : BrokerConnection.open(node, this.clientId, this.#requestTimeoutMs)
      this.#connections.set(nodeId, conn)
    }
    return conn
  }

  /** Metadata for `topics` (null: every topic); remembers the brokers it lists. */
  async metadata(topics: readonly string[] | null, allowAutoTopicCreation = false): Promise<MetadataResponse> {
    const response = await this.send(
      Metadata,
      {
        topics: topics === null ? null : topics.map((name) => ({ name, topicId: ZERO_UUID })),
        allowAutoTopicCreation,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      },
      { maxVersion: 12 },
    )
    this.#brokers = new Map(response.brokers.map((b) => [b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }]))
    return response
  }

  get brokers(): readonly BrokerNode[] {
    return [...this.#brokers.values()].sort((a, b) => a.nodeId - b.nodeId)
  }

  /** The node id of the coordinator of `groupId` (key type 0: group). */
  async findCoordinator(groupId: string): Promise<number> {
    const version = this.versionFor(FindCoordinator as ApiCodec<unknown, unknown>)
    const deadline = Date.now() + 10_000
    for (;;) {
      const response = await this.#bootstrap.request(FindCoordinator, version, {
        key: groupId,
        keyType: 0,
        coordinatorKeys: [groupId],
      })
      const found = version >= 4 ? response.coordinators[0] : response
      if (found === undefined) throw new ToolError(`No coordinator returned for group ${groupId}`)
      if (found.errorCode === ErrorCode.NONE) {
        this.#brokers.set(found.nodeId, { nodeId: found.nodeId, host: found.host, port: found.port, rack: null })
        return found.nodeId
      }
      if (found.errorCode !== ErrorCode.COORDINATOR_NOT_AVAILABLE || Date.now() > deadline) {
        throw new KafkaResponseError(found.errorCode, found.errorMessage)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  async close(): Promise<void> {
    this.#bootstrap.close()
    for (const c of this.#connections.values()) {
      try {
        ;(await c).close()
      } catch {
        // A connection that never opened has nothing to close.
      }
    }
  }
}

/** ApiVersions v3, which every broker since Kafka 2.4 answers. */
async function negotiate(conn: BrokerConnection): Promise<ApiVersionsResponse> {
  const request = { clientSoftwareName: SOFTWARE_NAME, clientSoftwareVersion: SOFTWARE_VERSION }
  const response = await conn.request(ApiVersions, 3, request)
  if (response.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(response.errorCode)
  return response
}
