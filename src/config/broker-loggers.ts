/**
 * The BROKER_LOGGER resource of DescribeConfigs and IncrementalAlterConfigs, as Kafka's
 * Log4jController serves it: logger name → level, with the level names of log4j. Brook logs
 * through one pino logger whose components take children of it; a child follows its parent's
 * level unless given its own, so the one logger Brook can set truthfully is Kafka's `root`.
 * Other names are unknown loggers, as they would be to Kafka.
 */
import type { Logger } from 'pino'
import { ErrorCode } from '../protocol/error-codes.js'
import { ConfigSource } from './config-source.js'
import type { DescribedConfig, DescribeOptions } from './describe-configs.js'

export const ROOT_LOGGER = 'root'

/** Kafka's LogLevelConfig.VALID_LOG_LEVELS, and pino's name for each. */
const LEVELS: ReadonlyMap<string, string> = new Map([
  ['FATAL', 'fatal'],
  ['ERROR', 'error'],
  ['WARN', 'warn'],
  ['INFO', 'info'],
  ['DEBUG', 'debug'],
  ['TRACE', 'trace'],
])

/** Kafka's AlterConfigOp.OpType ids. */
const SET = 0
const DELETE = 1
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT']

export interface LoggerOperation {
  readonly name: string
  readonly value: string | null
  readonly op: number
}

export interface LoggerError {
  readonly errorCode: number
  readonly errorMessage: string | null
}

function log4jLevel(pinoLevel: string): string {
  if (pinoLevel === 'silent') return 'OFF'
  return pinoLevel.toUpperCase()
}

export class BrokerLoggers {
  readonly #root: Logger

  constructor(root: Logger) {
    this.#root = root
  }

  /** Every logger and its level (DYNAMIC_BROKER_LOGGER_CONFIG, no synonyms, type unknown, as Kafka). */
  describe(o: DescribeOptions): DescribedConfig[] {
    const keys = o.keys === null || o.keys.length === 0 ? null : new Set(o.keys)
    return [{ name: ROOT_LOGGER, level: log4jLevel(this.#root.level) }]
      .filter((l) => keys === null || keys.has(l.name))
      .map((l) => ({
        name: l.name,
        value: l.level,
        readOnly: false,
        source: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG,
        isSensitive: false,
        synonyms: [],
        configType: 0,
        documentation: null,
      }))
  }

  /** Kafka's validateLogLevelConfigs then alterLogLevelConfigs (skipped when validating only). */
  alter(ops: readonly LoggerOperation[], validateOnly: boolean): LoggerError {
    for (const o of ops) {
      const problem = this.#problem(o)
      if (problem !== null) return problem
    }
    if (validateOnly) return { errorCode: ErrorCode.NONE, errorMessage: null }
    for (const o of ops) if (o.op === SET) this.#root.level = LEVELS.get(o.value!)!
    return { errorCode: ErrorCode.NONE, errorMessage: null }
  }

  #problem(o: LoggerOperation): LoggerError | null {
    const invalidRequest = (errorMessage: string): LoggerError => ({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage })
    if (o.op !== SET && o.op !== DELETE) {
      const name = OP_NAMES[o.op]
      return invalidRequest(name === undefined ? `Unknown operation type ${o.op} is not allowed for the BROKER_LOGGER resource` : `${name} operation is not allowed for the BROKER_LOGGER resource`)
    }
    if (o.name !== ROOT_LOGGER) return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: `Logger ${o.name} does not exist!` }
    if (o.op === DELETE) return invalidRequest(`Removing the log level of the ${ROOT_LOGGER} logger is not allowed`)
    if (o.value === null || !LEVELS.has(o.value)) {
      return {
        errorCode: ErrorCode.INVALID_CONFIG,
        errorMessage: `Cannot set the log level of ${o.name} to ${o.value} as it is not a supported log level. Valid log levels are ${[...LEVELS.keys()].join(', ')}`,
      }
    }
    return null
  }
}
