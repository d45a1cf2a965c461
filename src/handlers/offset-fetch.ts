// OffsetFetch v1-9. v2: null topics means all, and a top-level errorCode. v3: throttleTimeMs.
// v5: committedLeaderEpoch. v6: flexible. v7: requireStable. v8: several groups per request,
// each answered with its own error.
import { ErrorCode } from '../protocol/error-codes.js'
import { OffsetFetch } from '../protocol/generated/offset-fetch.js'
import type { OffsetFetchRequest, OffsetFetchResponse, OffsetFetchResponseGroup } from '../protocol/generated/offset-fetch.js'
import { defineHandler } from './handler.js'

export const offsetFetch = defineHandler({
  api: OffsetFetch,
  minVersion: 1,
  maxVersion: 9,
  handle: (req, ctx) => {
    const groups = ctx.services.groups
    if (ctx.apiVersion >= 8) {
      const answers = req.groups.map((g) => groups.fetchOffsets(g.groupId, g.topics, req.requireStable))
      return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE, groups: answers }
    }
    return singleGroup(req, groups.fetchOffsets(req.groupId, req.topics, req.requireStable))
  },
  errorResponse: (req, errorCode, ctx) => {
    if (ctx.apiVersion >= 8) {
      return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE, groups: req.groups.map((g) => ({ groupId: g.groupId, errorCode, topics: [] })) }
    }
    return singleGroup(req, { groupId: req.groupId, errorCode, topics: [] })
  },
})

/**
 * The v1-7 form. A group-level error is the top-level error (v2+) and, as Kafka's error response
 * does, also each requested partition's (the only place v1 has for it).
 */
function singleGroup(req: OffsetFetchRequest, group: OffsetFetchResponseGroup): OffsetFetchResponse {
  if (group.errorCode === ErrorCode.NONE) return { throttleTimeMs: 0, topics: group.topics, errorCode: ErrorCode.NONE, groups: [] }
  const topics = (req.topics ?? []).map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => ({
      partitionIndex,
      committedOffset: -1n,
      committedLeaderEpoch: -1,
      metadata: '',
      errorCode: group.errorCode,
    })),
  }))
  return { throttleTimeMs: 0, topics, errorCode: group.errorCode, groups: [] }
}
