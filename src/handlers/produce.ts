// Produce v0-11. v1: throttleTimeMs. v2: logAppendTimeMs. v3: transactionalId, message format v2
// only. v5: logStartOffset. v7: zstd allowed. v8: record errors and error message. v9: flexible.
// v10: currentLeader and nodeEndpoints (KIP-951), left empty: this node leads every partition.
//
// ApiVersions offers v0 as Kafka 4.0 does (librdkafka before 2.11.1 turns compression off unless
// the broker lists Produce v0), but v0-2 carry message formats v0/v1, which Brook, like Kafka
// 4.0, does not serve. Kafka 4.0 closes the connection on them (its header check throws); Brook
// answers every partition with UNSUPPORTED_VERSION instead, the error KAFKA-18659's review asked
// for, so that a client that took the advertised v0 at its word learns why.
//
// acks=0 gets no response; when a partition fails, the connection is closed instead, so that
// the producer notices and refreshes its metadata (Kafka's rule).
import { ErrorCode, errorName } from '../protocol/error-codes.js'
import { Produce } from '../protocol/generated/produce.js'
import type { TopicProduceResponse } from '../protocol/generated/produce.js'
import type { Logger } from '../log.js'
import { appendRecords, hasPartitionErrors, type AppendRecordsContext } from '../replica/append-records.js'
import { takeAppendTurn } from '../replica/append-turns.js'
import { produceRequestRejection, rejectedProduceResponses, type RequestRejection } from '../replica/produce-request-checks.js'
import { defineHandler, type RequestContext } from './handler.js'

/** The oldest Produce version whose records are message format v2. */
const MIN_SERVED_VERSION = 3

/** acks=0 has no response to carry a partition error: the connection is closed instead. */
class ProduceWithoutAcksFailedError extends Error {
  override name = 'ProduceWithoutAcksFailedError'
}

/**
 * appendRecords' view of the request. A class, not an object literal with a getter: a literal's
 * accessor is defined by a runtime call on every request.
 */
class AppendContext implements AppendRecordsContext {
  readonly topics: AppendRecordsContext['topics']
  readonly replicas: AppendRecordsContext['replicas']
  readonly configs: AppendRecordsContext['configs']
  readonly apiVersion: number
  readonly clientId: string | null
  readonly transactionalId: string | null
  readonly #ctx: RequestContext

  constructor(ctx: RequestContext, transactionalId: string | null) {
    this.topics = ctx.services.cluster.topics
    this.replicas = ctx.services.replicas
    this.configs = ctx.services.topicConfigs
    this.apiVersion = ctx.apiVersion
    this.clientId = ctx.clientId
    this.transactionalId = transactionalId
    this.#ctx = ctx
  }

  /** Read only when a partition fails: the request's child logger costs a pino child per request. */
  get log(): Logger {
    return this.#ctx.log
  }
}

const UNSERVED_VERSION: RequestRejection = {
  errorCode: ErrorCode.UNSUPPORTED_VERSION,
  errorMessage: `Produce v0-2 (message formats v0 and v1) are not served; v${MIN_SERVED_VERSION}+ is`,
}

export const produce = defineHandler({
  api: Produce,
  minVersion: 0,
  maxVersion: 11,
  handle: async (req, ctx) => {
    const rejection = ctx.apiVersion < MIN_SERVED_VERSION ? UNSERVED_VERSION : produceRequestRejection(req)
    const responses = rejection
      ? rejectedProduceResponses(req, rejection)
      : await appendRecords(new AppendContext(ctx, req.transactionalId), req, takeAppendTurn(ctx.connection))
    ctx.services.metrics?.topics.produced(req, responses)
    if (req.acks === 0) {
      if (hasPartitionErrors(responses)) throw new ProduceWithoutAcksFailedError(`acks=0 produce failed: ${failures(responses)}`)
      return null
    }
    return { responses, throttleTimeMs: 0, nodeEndpoints: [] }
  },
})

function failures(responses: readonly TopicProduceResponse[]): string {
  const list: string[] = []
  for (const t of responses) {
    for (const p of t.partitionResponses) if (p.errorCode !== ErrorCode.NONE) list.push(`${t.name}-${p.index}: ${errorName(p.errorCode)}`)
  }
  return list.join(', ')
}
