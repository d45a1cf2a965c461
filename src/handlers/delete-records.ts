// DeleteRecords v0-2. v1: throttle time on quota. v2: flexible. Offset -1 is the high watermark.
import { DeleteRecords } from '../protocol/generated/delete-records.js'
import { deleteRecordsBefore } from '../replica/delete-records.js'
import { defineHandler } from './handler.js'

export const deleteRecords = defineHandler({
  api: DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  handle: async (req, ctx) => {
    const { cluster, replicas } = ctx.services
    const deletion = { topics: cluster.topics, replicas }
    const topics = await Promise.all(
      req.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map(async (p) => ({
            partitionIndex: p.partitionIndex,
            ...(await deleteRecordsBefore(deletion, t.name, p.partitionIndex, p.offset)),
          })),
        ),
      })),
    )
    return { throttleTimeMs: 0, topics }
  },
  // DeleteRecordsRequest.getErrorResponse: every partition with the code and no low watermark.
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode })),
    })),
  }),
})
