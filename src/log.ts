/**
 * One pino logger for the process; components and connections take children of it
 * (`log.child({ component: 'network', conn })`). Lines are JSON, written synchronously so that
 * nothing is lost when the process exits right after logging.
 */
import { pino } from 'pino'
import type { DestinationStream, Logger } from 'pino'

export type { Logger }

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export interface LoggerOptions {
  readonly level?: LogLevel
  /** Where lines go; stdout when absent. Tests pass an object with `write(line)` to read them. */
  readonly destination?: DestinationStream
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true })
  return pino({ name: 'brook', level: options.level ?? 'info' }, destination)
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value)
}
