// AlterConfigs v0-2. v1: same as v0. v2: flexible. Each resource's entries replace its whole set
// of topic overrides or dynamic broker configs; validateOnly checks without changing anything.
import { AlterConfigs } from '../protocol/generated/alter-configs.js'
import { defineHandler } from './handler.js'

export const alterConfigs = defineHandler({
  api: AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  handle: async (req, ctx) => {
    const responses = []
    for (const r of req.resources) {
      const error = await ctx.services.configs.alter(r.resourceType, r.resourceName, r.configs, req.validateOnly)
      responses.push({ ...error, resourceType: r.resourceType, resourceName: r.resourceName })
    }
    return { throttleTimeMs: 0, responses }
  },
})
