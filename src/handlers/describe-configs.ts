// DescribeConfigs v1-4 (Kafka 4.0 dropped v0). v1: synonyms and config source replace isDefault.
// v3: config type and documentation. v4: flexible. Topics, this broker, the cluster-wide
// broker defaults and this broker's loggers (see config/config-admin.ts).
import { DescribeConfigs } from '../protocol/generated/describe-configs.js'
import { defineHandler } from './handler.js'

export const describeConfigs = defineHandler({
  api: DescribeConfigs,
  minVersion: 1,
  maxVersion: 4,
  handle: (req, ctx) => ({
    throttleTimeMs: 0,
    results: req.resources.map((r) => {
      const result = ctx.services.configs.describe(r.resourceType, r.resourceName, {
        includeSynonyms: req.includeSynonyms,
        includeDocumentation: req.includeDocumentation,
        keys: r.configurationKeys,
      })
      return {
        errorCode: result.errorCode,
        errorMessage: result.errorMessage,
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs: result.configs.map((c) => ({
          name: c.name,
          value: c.value,
          readOnly: c.readOnly,
          isDefault: false,
          configSource: c.source,
          isSensitive: c.isSensitive,
          synonyms: c.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })),
          configType: c.configType,
          documentation: c.documentation,
        })),
      }
    }),
  }),
})
