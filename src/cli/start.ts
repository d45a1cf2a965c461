/**
 * `brook start`: gather config sources the way Kafka's scripts and Docker image do (file, then
 * KAFKA_* variables, then --override), start the broker, and stop it cleanly on SIGINT/SIGTERM.
 */
import { readFile } from 'node:fs/promises'
import { Broker } from '../broker.js'
import { BrookError, BrookErrorCode } from '../brook-error.js'
import type { ConfigSource } from '../config/broker-config.js'
import { configFromEnv } from '../config/env.js'
import { parseProperties } from '../config/properties.js'
import { createLogger } from '../log.js'
import type { StartArgs } from './start-options.js'

export async function runStart(args: StartArgs): Promise<void> {
  const sources: ConfigSource[] = []
  if (args.config !== undefined) sources.push(await readPropertiesFile(args.config))
  sources.push({ name: 'KAFKA_* environment variables', entries: configFromEnv(process.env) })
  sources.push({ name: '--override', entries: parseOverrides(args.override) })
  const log = createLogger({ level: args.logLevel, format: args.logFormat })

  // Handlers go in before start-up, so a signal arriving while the broker starts (or right after
  // its "started" line) still gets a clean shutdown rather than Node's default exit.
  let broker: Broker | undefined
  let stopping = false
  const shutdown = (b: Broker): void => {
    b.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting')
      process.exit(1)
    }
    stopping = true
    log.info({ signal }, 'signal received')
    if (broker) shutdown(broker)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)

  // As in the apache/kafka image, CLUSTER_ID names the cluster when the data dir is formatted.
  broker = await Broker.start({ configSources: sources, log, clusterId: process.env['CLUSTER_ID'] || undefined })
  if (stopping) shutdown(broker)
}

async function readPropertiesFile(path: string): Promise<ConfigSource> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new BrookError(
      BrookErrorCode.CONFIG_FILE_UNREADABLE,
      `Cannot read config file ${path}: ${(err as Error).message}`,
      { cause: err },
    )
  }
  try {
    return { name: path, entries: parseProperties(text) }
  } catch (err) {
    throw new BrookError(BrookErrorCode.CONFIG_INVALID, `${path}: ${(err as Error).message}`)
  }
}

function parseOverrides(overrides: readonly string[]): Map<string, string> {
  const entries = new Map<string, string>()
  for (const o of overrides) {
    const eq = o.indexOf('=')
    if (eq <= 0) throw new BrookError(BrookErrorCode.CONFIG_INVALID, `--override expects key=value, got "${o}"`)
    entries.set(o.slice(0, eq).trim(), o.slice(eq + 1))
  }
  return entries
}
