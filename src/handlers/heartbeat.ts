// Heartbeat v0-4. v1: throttleTimeMs. v3: groupInstanceId (static membership). v4: flexible.
import { groupCoordinatorOf } from '../coordinator/group/from-services.js'
import { Heartbeat } from '../protocol/generated/heartbeat.js'
import { defineHandler } from './handler.js'

export const heartbeat = defineHandler({
  api: Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle: (req, ctx) => groupCoordinatorOf(ctx.services).heartbeat(req),
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode }),
})
