// DeleteGroups v0-2. v1: same. v2: flexible. Only empty groups go, with their offsets.
import { DeleteGroups } from '../protocol/generated/delete-groups.js'
import { defineHandler } from './handler.js'

export const deleteGroups = defineHandler({
  api: DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  handle: async (req, ctx) => ({ throttleTimeMs: 0, results: await ctx.services.groups.deleteGroups(req.groupsNames) }),
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    results: [...new Set(req.groupsNames)].map((groupId) => ({ groupId, errorCode })),
  }),
})
