// IncrementalAlterConfigs v0-1. v1: flexible. SET, DELETE, APPEND and SUBTRACT (list configs only)
// on a topic's overrides or the dynamic broker configs; validateOnly checks without changing anything.
import { IncrementalAlterConfigs } from '../protocol/generated/incremental-alter-configs.js'
import { defineHandler } from './handler.js'

export const incrementalAlterConfigs = defineHandler({
  api: IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  handle: async (req, ctx) => {
    const responses = []
    for (const r of req.resources) {
      const ops = r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value }))
      const error = await ctx.services.configs.incrementalAlter(r.resourceType, r.resourceName, ops, req.validateOnly)
      responses.push({ ...error, resourceType: r.resourceType, resourceName: r.resourceName })
    }
    return { throttleTimeMs: 0, responses }
  },
})
