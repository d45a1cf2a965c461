// SyncGroup v0-5. v1: throttleTimeMs. v3: groupInstanceId. v4: flexible. v5: protocolType and
// protocolName, required in the request and echoed in the response.
import { syncError } from '../coordinator/group/responses.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { SyncGroup } from '../protocol/generated/sync-group.js'
import { defineHandler } from './handler.js'

export const syncGroup = defineHandler({
  api: SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  handle: (req, ctx) => {
    if (ctx.apiVersion >= 5 && (req.protocolType === null || req.protocolName === null)) {
      return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }
    return ctx.services.groups.syncGroup(req)
  },
  errorResponse: (_req, errorCode) => syncError(errorCode),
})
