// OffsetDelete v0: deletes a group's committed offsets for partitions it does not consume.
import { OffsetDelete } from '../protocol/generated/offset-delete.js'
import { defineHandler } from './handler.js'

export const offsetDelete = defineHandler({
  api: OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  handle: (req, ctx) => ctx.services.groups.deleteOffsets(req),
  errorResponse: (_req, errorCode) => ({ errorCode, throttleTimeMs: 0, topics: [] }),
})
