// ApiVersions v0-3. v1: throttleTimeMs. v3: flexible; the client names its software (KIP-511).
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiVersions } from '../protocol/generated/api-versions.js'
import type { ApiVersionsResponse } from '../protocol/generated/api-versions.js'
import { defineHandler } from './handler.js'
import type { HandlerRegistryView } from './handler.js'

/** Kafka's rule for client software names and versions (KIP-511). */
const SOFTWARE_FIELD = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/

export const apiVersions = defineHandler({
  api: ApiVersions,
  minVersion: 0,
  maxVersion: 3,
  handle: (req, ctx) => {
    if (ctx.apiVersion >= 3) {
      const { clientSoftwareName: name, clientSoftwareVersion: version } = req
      if (!SOFTWARE_FIELD.test(name) || !SOFTWARE_FIELD.test(version)) {
        ctx.log.warn({ clientSoftwareName: name, clientSoftwareVersion: version }, 'invalid client software name or version')
        return { ...apiVersionsResponse(ErrorCode.INVALID_REQUEST, ctx.services.handlers), apiKeys: [] }
      }
      ctx.connection.clientSoftware = { name, version }
      ctx.log.info({ clientSoftwareName: name, clientSoftwareVersion: version }, 'client software')
    }
    return apiVersionsResponse(ErrorCode.NONE, ctx.services.handlers)
  },
  errorResponse: (_req, errorCode, ctx) => apiVersionsResponse(errorCode, ctx.services.handlers),
})

/** Also the body of the v0 answer to a too-new ApiVersions request (errorCode 35, KIP-511). */
export function apiVersionsResponse(errorCode: number, handlers: HandlerRegistryView): ApiVersionsResponse {
  return {
    errorCode,
    apiKeys: [...handlers.versionRanges()],
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  }
}
