// Fetch v4-16 (Kafka 4.0 serves v4 up: message format v2 only). v4: isolation level, last stable
// offset, aborted transactions. v5: log start offset. v7: fetch sessions (KIP-227). v9: current
// leader epoch. v11: rack id, preferred read replica. v12: flexible, last fetched and diverging
// epoch. v13: topic ids. v15: replica state. v16: current leader and node endpoints (KIP-951).
import { Fetch } from '../protocol/generated/fetch.js'
import type { FetchableTopicResponse } from '../protocol/generated/fetch.js'
import { defineHandler } from './handler.js'

/** Fetch v13 names topics by id only; from then on a request-wide error lists no partitions. */
const TOPIC_IDS_VERSION = 13

export const fetch = defineHandler({
  api: Fetch,
  minVersion: 4,
  maxVersion: 16,
  handle: async (req, ctx) => {
    const response = await ctx.services.fetches.fetch(req, ctx.apiVersion, ctx.connection)
    ctx.services.metrics?.topics.fetched(response, ctx.apiVersion >= TOPIC_IDS_VERSION ? ctx.services.cluster.topics : null)
    return response
  },
  // As Kafka's FetchRequest.getErrorResponse: the top-level error, repeated per partition before v13.
  errorResponse: (req, errorCode, ctx) => ({
    throttleTimeMs: 0,
    errorCode,
    sessionId: req.sessionId,
    responses:
      ctx.apiVersion >= TOPIC_IDS_VERSION
        ? []
        : req.topics.map(
            (t): FetchableTopicResponse => ({
              topic: t.topic,
              topicId: t.topicId,
              partitions: t.partitions.map((p) => ({
                partitionIndex: p.partition,
                errorCode,
                highWatermark: -1n,
                lastStableOffset: -1n,
                logStartOffset: -1n,
                divergingEpoch: { epoch: -1, endOffset: -1n },
                currentLeader: { leaderId: -1, leaderEpoch: -1 },
                snapshotId: { endOffset: -1n, epoch: -1 },
                abortedTransactions: null,
                preferredReadReplica: -1,
                records: Buffer.alloc(0),
              })),
            }),
          ),
    nodeEndpoints: [],
  }),
})
