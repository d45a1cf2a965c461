import { createLogger } from '../../src/log.js'
import type { LogLevel, Logger } from '../../src/log.js'

export interface LogLine {
  readonly level: number
  readonly msg: string
  readonly [field: string]: unknown
}

/** A real pino logger whose JSON lines are kept in memory for assertions. */
export function captureLogs(level: LogLevel = 'debug'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = []
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } })
  return { logger, lines }
}

export const WARN = 40
