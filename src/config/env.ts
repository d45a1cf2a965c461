/**
 * KAFKA_* environment variables as the apache/kafka Docker image turns them into properties:
 * drop the `KAFKA_` prefix, then `___` → `-`, `__` → `_`, `_` → `.`, and lower-case the rest
 * (KAFKA_ADVERTISED_LISTENERS → advertised.listeners). The image's own variables (heap, JVM and
 * log4j options) are not configs and are skipped.
 */
const PREFIX = 'KAFKA_'

const NOT_CONFIGS = new Set([
  'KAFKA_VERSION',
  'KAFKA_HEAP_OPT',
  'KAFKA_HEAP_OPTS',
  'KAFKA_LOG4J_OPTS',
  'KAFKA_OPTS',
  'KAFKA_JMX_OPTS',
  'KAFKA_JVM_PERFORMANCE_OPTS',
  'KAFKA_GC_LOG_OPTS',
  'KAFKA_LOG4J_ROOT_LOGLEVEL',
  'KAFKA_LOG4J_LOGGERS',
  'KAFKA_TOOLS_LOG4J_LOGLEVEL',
])

export function configFromEnv(env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const result = new Map<string, string>()
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith(PREFIX) || NOT_CONFIGS.has(name)) continue
    result.set(envNameToConfigKey(name.slice(PREFIX.length)), value)
  }
  return result
}

/** Runs of one, two and three underscores become `.`, `_` and `-`. */
export function envNameToConfigKey(name: string): string {
  return name
    .replace(/_+/g, (run) => (run.length === 1 ? '.' : run.length === 2 ? '_' : run.length === 3 ? '-' : run))
    .toLowerCase()
}
