// Heartbeat v0-4. v1: throttleTimeMs. v3: groupInstanceId (static membership). v4: flexible.
import { Heartbeat } from '../protocol/generated/heartbeat.js'
import { defineHandler } from './handler.js'

export const heartbeat = defineHandler({
  api: Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle: (req, ctx) => ctx.services.groups.heartbeat(req),
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode }),
})
