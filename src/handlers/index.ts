/** Every API Brook serves. ApiVersions offers exactly these, with the versions each declares. */
import { apiVersions } from './api-versions.js'
import { fetch } from './fetch.js'
import type { ApiHandler } from './handler.js'
import { listOffsets } from './list-offsets.js'
import { metadata } from './metadata.js'
import { produce } from './produce.js'

export const brokerHandlers: readonly ApiHandler[] = [apiVersions, metadata, fetch, produce, listOffsets]
