// CreatePartitions v0-3. v1: throttle time on quota. v2: flexible. v3: quota errors
// (THROTTLING_QUOTA_EXCEEDED). Partition counts only grow; assignments place the new ones by hand.
import { ErrorCode } from '../protocol/error-codes.js'
import { CreatePartitions } from '../protocol/generated/create-partitions.js'
import type { CreatePartitionsTopicResult } from '../protocol/generated/create-partitions.js'
import { defineHandler } from './handler.js'

export const createPartitions = defineHandler({
  api: CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  handle: async (req, ctx) => {
    const { admin } = ctx.services.cluster
    const seen = new Set<string>()
    const duplicates = new Set<string>()
    for (const { name } of req.topics) (seen.has(name) ? duplicates : seen).add(name)
    // As Kafka's ControllerApis: duplicated names are answered first, once each.
    const results: CreatePartitionsTopicResult[] = [...duplicates].map((name) => ({
      name,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Duplicate topic name.',
    }))
    for (const t of req.topics) {
      if (duplicates.has(t.name)) continue
      const assignments = t.assignments?.map((a) => a.brokerIds) ?? null
      const error = await admin.createPartitions(t.name, t.count, assignments, req.validateOnly)
      results.push({ name: t.name, errorCode: error?.errorCode ?? ErrorCode.NONE, errorMessage: error?.errorMessage ?? null })
    }
    return { throttleTimeMs: 0, results }
  },
})
