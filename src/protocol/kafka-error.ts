/**
 * A request-wide failure carrying a Kafka error code: the dispatcher turns it into the
 * API's error response. Per-partition or per-topic errors are data, not exceptions.
 */
import { errorName } from './error-codes.js'

export class KafkaError extends Error {
  override name = 'KafkaError'
  readonly code: number

  constructor(code: number, message?: string) {
    super(message ?? errorName(code))
    this.code = code
  }

  /** Kafka's name for the code, e.g. `UNKNOWN_TOPIC_OR_PARTITION`. */
  get errorName(): string {
    return errorName(this.code)
  }
}
