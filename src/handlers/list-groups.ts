// ListGroups v0-5. v1: throttleTimeMs. v3: flexible. v4: states filter, and each group's state.
// v5: types filter, and each group's type.
import { groupCoordinatorOf } from '../coordinator/group/from-services.js'
import { ListGroups } from '../protocol/generated/list-groups.js'
import { defineHandler } from './handler.js'

export const listGroups = defineHandler({
  api: ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle: (req, ctx) => groupCoordinatorOf(ctx.services).listGroups(req.statesFilter, req.typesFilter),
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, groups: [] }),
})
