/**
 * The options of `brook start`, declared once. Both parsers read this table: node:util's
 * parseArgs on the fast start path (yargs costs ~100 ms to load, most of Brook's start-up
 * budget) and yargs for help, errors and the other commands.
 */
import { parseArgs } from 'node:util'
import { LOG_FORMATS, LOG_LEVELS, isLogFormat, isLogLevel } from '../log.js'
import type { LogFormat, LogLevel } from '../log.js'

export interface StartArgs {
  /** Path of a server.properties file. */
  readonly config: string | undefined
  /** `key=value` strings, in the order given. */
  readonly override: readonly string[]
  readonly logLevel: LogLevel
  readonly logFormat: LogFormat
}

export const START_COMMAND = 'start [config]'
export const START_DESCRIPTION = 'Start a broker with a server.properties file, KAFKA_* variables and overrides'
export const CONFIG_DESCRIPTION = 'server.properties file (Java properties syntax, Kafka config names)'

export const startOptions = {
  override: {
    type: 'string',
    multiple: true,
    description: 'Set a broker config as key=value; repeatable; wins over the file and KAFKA_* variables',
  },
  'log-level': {
    type: 'string',
    choices: LOG_LEVELS,
    default: 'info',
    description: 'Lowest level of the log lines written to stdout',
  },
  'log-format': {
    type: 'string',
    choices: LOG_FORMATS,
    default: 'json',
    description: 'json: one JSON object a line (pino), for log collectors; pretty: readable lines for people',
  },
} as const

/** Fast path for `brook start ...`; undefined when the arguments need yargs (help, errors). */
export function parseStartArgv(argv: readonly string[]): StartArgs | undefined {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        override: { type: 'string', multiple: true },
        'log-level': { type: 'string', default: startOptions['log-level'].default },
        'log-format': { type: 'string', default: startOptions['log-format'].default },
      },
    })
  } catch {
    return undefined
  }
  const { positionals, values } = parsed
  const logLevel = values['log-level']
  const logFormat = values['log-format']
  if (positionals.length > 1 || logLevel === undefined || !isLogLevel(logLevel)) return undefined
  if (logFormat === undefined || !isLogFormat(logFormat)) return undefined
  return { config: positionals[0], override: values.override ?? [], logLevel, logFormat }
}
