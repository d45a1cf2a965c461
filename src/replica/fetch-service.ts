/**
 * Fetch for consumers, as Kafka's KafkaApis.handleFetchRequest and ReplicaManager.fetchMessages:
 *   1. the session (KIP-227) says which partitions to read (FetchManager);
 *   2. partitions of unknown topics, ids or partition numbers are answered with an error and
 *      not read; Kafka places them after the partitions it read;
 *   3. the rest are read (fetch-reader.ts) under min(request maxBytes, fetch.max.bytes);
 *   4. with maxWaitMs > 0, no read error and fewer than minBytes, the fetch waits in the
 *      purgatory (delayed-fetch.ts) and then reads again;
 *   5. the session shapes the response (an incremental one carries only what changed).
 * Throttle time is always 0: Brook has no quotas.
 */
import type { Cluster } from '../cluster/cluster.js'
import type { Logger } from '../log.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { FetchRequest, FetchResponse, NodeEndpoint, PartitionData } from '../protocol/generated/fetch.js'
import { systemClock, TimerScheduler, type Clock, type Scheduler } from '../storage/clock.js'
import type { PartitionLog } from '../storage/partition-log.js'
import type { ReadBuffers } from '../storage/partition-log-types.js'
import { FetchPurgatory, type DelayedPartition } from './delayed-fetch.js'
import { FetchManager, type PartitionResult, type TopicIdPartition } from './fetch-manager.js'
import { errorResult, readPartitions, type LogReadResult, type PartitionRead, type ReadSettings } from './fetch-reader.js'
import { FetchSessionCache } from './fetch-session-cache.js'
import { LEADER_EPOCH } from './leader-epoch.js'

/** The connection a Fetch came in on (Brook's ConnectionInfo). */
export interface FetchConnection {
  readonly id: number
  readonly listenerName: string
}

/** Where the fetched logs come from: the ReplicaManager. */
export interface PartitionSource {
  partition(topic: string, partition: number): PartitionLog | undefined
}

export interface FetchServiceOptions {
  readonly cluster: Cluster
  readonly replicas: PartitionSource
  /** fetch.max.bytes: the most one response carries, whatever the request asks. */
  readonly maxBytes: number
  /** max.incremental.fetch.session.cache.slots. */
  readonly sessionSlots: number
  readonly log: Logger
  /** Where reads get their memory; default new buffers. */
  readonly readBuffers?: ReadBuffers
  readonly clock?: Clock
  readonly scheduler?: Scheduler
}

const READ_COMMITTED = 1
/** Fetch v15 moved the replica id into ReplicaState; v16 answers leader changes with the new leader (KIP-951). */
const REPLICA_STATE_VERSION = 15
const LEADER_HINT_VERSION = 16
/** Kafka's FetchRequest.FUTURE_LOCAL_REPLICA_ID: not a consumer, though negative. */
const FUTURE_LOCAL_REPLICA_ID = -3

export class FetchService {
  readonly sessions: FetchManager
  readonly purgatory: FetchPurgatory
  readonly #cluster: Cluster
  readonly #replicas: PartitionSource
  readonly #maxBytes: number
  readonly #log: Logger
  readonly #readBuffers: ReadBuffers | undefined
  /** The last fetch of each connection with one in progress: the next one starts after it. */
  readonly #perConnection = new Map<number, Promise<void>>()

  constructor(options: FetchServiceOptions) {
    this.#cluster = options.cluster
    this.#replicas = options.replicas
    this.#maxBytes = options.maxBytes
    this.#log = options.log
    this.#readBuffers = options.readBuffers
    const clock = options.clock ?? systemClock
    this.sessions = new FetchManager(new FetchSessionCache({ clock, maxSlots: options.sessionSlots }))
    this.purgatory = new FetchPurgatory(options.scheduler ?? new TimerScheduler((err) => this.#log.error({ err }, 'fetch timer failed')))
  }

  /**
   * Answers one Fetch request of `version` from `connection`. A connection's fetches run one
   * at a time, in order, as Kafka runs a connection's requests: their answers leave in order
   * anyway, and a client pipelining many fetches does not get them all read into memory at once.
   */
  fetch(request: FetchRequest, version: number, connection: FetchConnection): Promise<FetchResponse> {
    const previous = this.#perConnection.get(connection.id)
    const run = (): Promise<FetchResponse> => this.#fetch(request, version, connection.listenerName)
    const result = previous === undefined ? run() : previous.then(run, run)
    const tail = result.then(
      () => {},
      () => {},
    )
    this.#perConnection.set(connection.id, tail)
    void tail.then(() => {
      if (this.#perConnection.get(connection.id) === tail) this.#perConnection.delete(connection.id)
    })
    return result
  }

  /** Connections with a fetch in progress. */
  get busyConnections(): number {
    return this.#perConnection.size
  }

  async #fetch(request: FetchRequest, version: number, listenerName: string): Promise<FetchResponse> {
    const topics = this.#cluster.topics
    const context = this.sessions.newContext(request, version, (id) => topics.byId(id)?.name)
    const replicaId = version >= REPLICA_STATE_VERSION ? request.replicaState.replicaId : request.replicaId
    const maxBytes = Math.max(0, Math.min(request.maxBytes, this.#maxBytes))
    const isConsumer = replicaId < 0 && replicaId !== FUTURE_LOCAL_REPLICA_ID
    const reads: PartitionRead[] = []
    const erroneous: PartitionResult[] = []
    for (const { tp, params } of context.partitionsToFetch()) {
      const error = this.#unknownPartitionError(tp)
      if (error !== ErrorCode.NONE) erroneous.push({ tp, data: partitionData(errorResult(error), false) })
      else reads.push({ tp, params, log: this.#replicas.partition(tp.topic!, tp.partition) ?? null })
    }
    const settings: ReadSettings = {
      maxBytes,
      fromFollower: replicaId >= 0,
      leaderEpoch: LEADER_EPOCH,
      readError: (read, err) => this.#readError(read, err),
      readCommitted: isConsumer && request.isolationLevel === READ_COMMITTED,
      buffers: this.#readBuffers,
    }
    const results = reads.length === 0 ? [] : await this.#fetchMessages(reads, settings, request.maxWaitMs, Math.min(request.minBytes, maxBytes))
    const withAborted = settings.readCommitted === true
    const leaderHints = version >= LEADER_HINT_VERSION ? this.#leaderEndpoint(listenerName) : undefined
    const nodeEndpoints: NodeEndpoint[] = []
    const answered: PartitionResult[] = reads.map((read, i) => {
      const data = partitionData(results[i]!, withAborted)
      if (leaderHints !== undefined && (data.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || data.errorCode === ErrorCode.FENCED_LEADER_EPOCH)) {
        data.currentLeader = { leaderId: this.#cluster.nodeId, leaderEpoch: LEADER_EPOCH }
        if (leaderHints !== null && nodeEndpoints.length === 0) nodeEndpoints.push(leaderHints)
      }
      return { tp: read.tp, data }
    })
    const { errorCode, sessionId, responses } = context.buildResponse([...answered, ...erroneous])
    return { throttleTimeMs: 0, errorCode, sessionId, responses, nodeEndpoints }
  }

  /** Completes the fetches waiting for data: a broker shutting down does not wait out their maxWait. */
  close(): void {
    this.purgatory.close()
  }

  /** Reads, and when the first read is not enough, waits for appends and reads again (Kafka's DelayedFetch). */
  async #fetchMessages(reads: PartitionRead[], settings: ReadSettings, maxWaitMs: number, minBytes: number): Promise<LogReadResult[]> {
    const first = await readPartitions(reads, settings)
    let bytes = 0
    let mustAnswer = false
    for (const r of first) {
      bytes += r.records.length
      if (r.errorCode !== ErrorCode.NONE || r.divergingEpoch !== null) mustAnswer = true
    }
    if (maxWaitMs <= 0 || bytes >= minBytes || mustAnswer) return first
    const waiting: DelayedPartition[] = reads.map((read, i) => {
      const log = read.log as PartitionLog
      const { topic, partition } = read.tp
      return {
        log,
        isCurrent: () => this.#replicas.partition(topic!, partition) === log,
        fetchOffset: Number(read.params.fetchOffset),
        readLogEndOffset: first[i]!.logEndOffset,
        ...(settings.readCommitted === true ? { readStableOffset: first[i]!.lastStableOffset } : {}),
        bytesRead: first[i]!.records.length,
        maxBytes: read.params.maxBytes,
      }
    })
    await this.purgatory.wait(waiting, minBytes, maxWaitMs)
    // Partitions may have been deleted (or re-created) while waiting: read what is there now.
    const again = reads.map((read) => ({ ...read, log: this.#replicas.partition(read.tp.topic!, read.tp.partition) ?? null }))
    const results = await readPartitions(again, settings)
    again.forEach((read, i) => {
      const error = this.#unknownPartitionError(read.tp)
      if (error !== ErrorCode.NONE) results[i] = errorResult(error)
    })
    return results
  }

  /** Kafka's checks against its metadata cache before reading: the topic (or id) and the partition must exist. */
  #unknownPartitionError(tp: TopicIdPartition): number {
    if (tp.topic === null) return ErrorCode.UNKNOWN_TOPIC_ID
    const topic = this.#cluster.topics.get(tp.topic)
    if (topic === undefined || tp.partition < 0 || tp.partition >= topic.partitions) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    return ErrorCode.NONE
  }

  #readError(read: PartitionRead, err: unknown): number {
    const { topic, partition } = read.tp
    if (this.#replicas.partition(topic!, partition) !== read.log) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    this.#log.error({ err, topic, partition }, 'fetch read failed')
    return ErrorCode.KAFKA_STORAGE_ERROR
  }

  /** This node as the listener reaches it; null when the listener has no address (then no endpoint is sent). */
  #leaderEndpoint(listenerName: string): NodeEndpoint | null {
    const endpoint = this.#cluster.endpointFor(listenerName)
    return endpoint ? { nodeId: this.#cluster.nodeId, host: endpoint.host, port: endpoint.port, rack: null } : null
  }
}

/** Kafka's FetchResponseData.PartitionData for a read result (partitionIndex is set by the session). */
function partitionData(r: LogReadResult, withAbortedTransactions: boolean): PartitionData {
  const ok = r.errorCode === ErrorCode.NONE
  return {
    partitionIndex: -1,
    errorCode: r.errorCode,
    highWatermark: BigInt(r.highWatermark),
    lastStableOffset: BigInt(r.lastStableOffset),
    logStartOffset: BigInt(r.logStartOffset),
    divergingEpoch: r.divergingEpoch ? { epoch: r.divergingEpoch.epoch, endOffset: BigInt(r.divergingEpoch.endOffset) } : { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    // read_committed gets the list even when empty, as from Kafka.
    abortedTransactions: ok && withAbortedTransactions && r.divergingEpoch === null
      ? (r.abortedTransactions ?? []).map((t) => ({ producerId: BigInt(t.producerId), firstOffset: BigInt(t.firstOffset) }))
      : null,
    preferredReadReplica: -1,
    records: r.records,
  }
}
