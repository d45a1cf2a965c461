/**
 * One pino logger for the process; components and connections take children of it
 * (`log.child({ component: 'network', conn })`). Lines are JSON (or, for people, the pretty
 * format of log-pretty.ts), written synchronously so that nothing is lost when the process exits
 * right after logging.
 */
import { pino } from 'pino'
import type { DestinationStream, Logger } from 'pino'
import { prettyDestination } from './log-pretty.js'

export type { Logger }

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export const LOG_FORMATS = ['json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

export interface LoggerOptions {
  readonly level?: LogLevel
  /** Where lines go; stdout when absent. Tests pass an object with `write(line)` to read them. */
  readonly destination?: DestinationStream
  /** json (default): one JSON object a line, for machines; pretty: one readable line each. */
  readonly format?: LogFormat
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination =
    options.format === 'pretty'
      ? prettyDestination(options.destination ? { write: (text) => options.destination?.write(text) } : {})
      : (options.destination ?? pino.destination({ dest: 1, sync: true }))
  return pino({ name: 'brook', level: options.level ?? 'info' }, destination)
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value)
}

export function isLogFormat(value: string): value is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(value)
}
