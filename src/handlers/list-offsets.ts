// ListOffsets v1-8 (Kafka 4.0 no longer serves v0). v2: isolation level, throttleTimeMs. v4:
// current leader epoch in, the offset's leader epoch out. v5: OFFSET_NOT_AVAILABLE (never here:
// with one replica the high watermark cannot lag). v6: flexible. v7: max timestamp (-3).
// v8: earliest local (-4).
import { ErrorCode } from '../protocol/error-codes.js'
import { ListOffsets } from '../protocol/generated/list-offsets.js'
import { KafkaError } from '../protocol/kafka-error.js'
import { IsolationLevel, fetchOffsets } from '../replica/fetch-offsets.js'
import { defineHandler } from './handler.js'

export const listOffsets = defineHandler({
  api: ListOffsets,
  minVersion: 1,
  maxVersion: 8,
  handle: async (req, ctx) => {
    // Kafka's IsolationLevel.forId throws IllegalArgumentException: an unknown server error for the request.
    if (req.isolationLevel !== IsolationLevel.READ_UNCOMMITTED && req.isolationLevel !== IsolationLevel.READ_COMMITTED) {
      throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `Unknown isolation level ${req.isolationLevel}`)
    }
    const { cluster, replicas } = ctx.services
    const topics = await fetchOffsets({ topics: cluster.topics, replicas, apiVersion: ctx.apiVersion, log: ctx.log }, req)
    return { throttleTimeMs: 0, topics }
  },
  // ListOffsetsRequest.getErrorResponse: every partition as named in the request.
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode,
        oldStyleOffsets: [],
        timestamp: -1n,
        offset: -1n,
        leaderEpoch: -1,
      })),
    })),
  }),
})
