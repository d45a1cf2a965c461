// ListGroups v0-5. v1: throttleTimeMs. v3: flexible. v4: states filter, and each group's state.
// v5: types filter, and each group's type.
import { ListGroups } from '../protocol/generated/list-groups.js'
import { defineHandler } from './handler.js'

export const listGroups = defineHandler({
  api: ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle: (req, ctx) => ctx.services.groups.listGroups(req.statesFilter, req.typesFilter),
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, groups: [] }),
})
