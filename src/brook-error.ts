/**
 * Brook's own failures (not Kafka protocol errors): a stable code from one table and a message
 * that tells the operator what to do. The CLI prints `code: message` and exits 1.
 */
export const BrookErrorCode = {
  /** A configuration value does not parse or fails validation. */
  CONFIG_INVALID: 'BROOK_ERR_CONFIG_INVALID',
  /** The properties file given to `brook start` cannot be read. */
  CONFIG_FILE_UNREADABLE: 'BROOK_ERR_CONFIG_FILE_UNREADABLE',
  /** Another live process holds the `.lock` file of a log dir. */
  DATA_DIR_LOCKED: 'BROOK_ERR_DATA_DIR_LOCKED',
  /** meta.properties or the topic registry in a log dir disagrees with the config or is damaged. */
  DATA_DIR_INVALID: 'BROOK_ERR_DATA_DIR_INVALID',
  /** A listener could not bind its address. */
  LISTEN_FAILED: 'BROOK_ERR_LISTEN_FAILED',
  /** broker.reset() could not delete every group and topic (a group still has members). */
  RESET_FAILED: 'BROOK_ERR_RESET_FAILED',
} as const

export type BrookErrorCode = (typeof BrookErrorCode)[keyof typeof BrookErrorCode]

export class BrookError extends Error {
  readonly code: BrookErrorCode

  constructor(code: BrookErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'BrookError'
    this.code = code
  }
}
