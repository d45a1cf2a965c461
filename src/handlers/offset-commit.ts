// OffsetCommit v2-9. v2-4: retentionTimeMs (the offsets then expire at commit time + retention).
// v3: throttleTimeMs. v6: committedLeaderEpoch. v7: groupInstanceId. v8: flexible. v9: a member
// epoch or generation; GROUP_ID_NOT_FOUND for a group that does not exist.
// v0-1 (ZooKeeper-era and explicit commit timestamps) are not served, as in Kafka 4.0.
import { OffsetCommit } from '../protocol/generated/offset-commit.js'
import { defineHandler } from './handler.js'

export const offsetCommit = defineHandler({
  api: OffsetCommit,
  minVersion: 2,
  maxVersion: 9,
  handle: (req, ctx) => ctx.services.groups.commitOffsets(req, ctx.apiVersion),
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  }),
})
