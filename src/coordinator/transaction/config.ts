/** The transaction coordinator's settings, under Kafka's broker config names and with Kafka's defaults. */
export interface TransactionCoordinatorConfig {
  /** transactional.id.expiration.ms: an idle transactional id (no transaction) is removed after this long. */
  readonly transactionalIdExpirationMs: number
  /** transaction.max.timeout.ms: the longest transaction.timeout.ms a producer may ask for. */
  readonly maxTimeoutMs: number
  /** transaction.state.log.num.partitions: partitions of __transaction_state, which place each transactional id. */
  readonly stateTopicPartitions: number
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms: how often expired transactions are looked for. */
  readonly abortTimedOutIntervalMs: number
  /** transaction.remove.expired.transaction.cleanup.interval.ms: how often expired transactional ids are looked for. */
  readonly removeExpiredIntervalMs: number
  /** Delay before a failed marker or state write is tried again (Kafka retries at its request backoff). */
  readonly retryBackoffMs: number
}

export const DEFAULT_TRANSACTION_COORDINATOR_CONFIG: TransactionCoordinatorConfig = {
  transactionalIdExpirationMs: 604_800_000,
  maxTimeoutMs: 900_000,
  stateTopicPartitions: 50,
  abortTimedOutIntervalMs: 10_000,
  removeExpiredIntervalMs: 3_600_000,
  retryBackoffMs: 100,
}
