/** Every API Brook serves. ApiVersions offers exactly these, with the versions each declares. */
import { apiVersions } from './api-versions.js'
import { createPartitions } from './create-partitions.js'
import { createTopics } from './create-topics.js'
import { deleteRecords } from './delete-records.js'
import { deleteTopics } from './delete-topics.js'
import { fetch } from './fetch.js'
import type { ApiHandler } from './handler.js'
import { listOffsets } from './list-offsets.js'
import { metadata } from './metadata.js'
import { produce } from './produce.js'

export const brokerHandlers: readonly ApiHandler[] = [
  apiVersions,
  metadata,
  fetch,
  produce,
  listOffsets,
  createTopics,
  deleteTopics,
  createPartitions,
  deleteRecords,
]
