/**
 * The group coordinator's settings, under Kafka's broker config names and with Kafka's defaults.
 * The broker maps its BrokerConfig onto this; tests pass what they exercise.
 */

export interface GroupCoordinatorConfig {
  /** group.min.session.timeout.ms: the shortest session a JoinGroup may ask for. */
  readonly minSessionTimeoutMs: number
  /** group.max.session.timeout.ms: the longest session a JoinGroup may ask for. */
  readonly maxSessionTimeoutMs: number
  /** group.max.size: members a classic group accepts. */
  readonly maxSize: number
  /** group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more joins. */
  readonly initialRebalanceDelayMs: number
  /**
   * How long a new member's parked JoinGroup may wait before the member is dropped (Kafka's
   * fixed 5 minutes): new members cannot heartbeat yet, and a client that gave up must not
   * stay in the rebalance forever.
   */
  readonly newMemberJoinTimeoutMs: number
  /** offsets.topic.num.partitions: partitions of __consumer_offsets, which pick each group's coordinator partition. */
  readonly offsetsTopicPartitions: number
  /** offset.metadata.max.bytes: longest metadata string an offset commit may carry (counted in UTF-16 units, as Java's String.length). */
  readonly offsetMetadataMaxBytes: number
  /** offsets.retention.minutes, in ms: how long offsets of an empty group are kept. */
  readonly offsetsRetentionMs: number
  /** offsets.retention.check.interval.ms: how often expired offsets are looked for. */
  readonly offsetsRetentionCheckIntervalMs: number
}

export const DEFAULT_GROUP_COORDINATOR_CONFIG: GroupCoordinatorConfig = {
  minSessionTimeoutMs: 6_000,
  maxSessionTimeoutMs: 1_800_000,
  maxSize: 2_147_483_647,
  initialRebalanceDelayMs: 3_000,
  newMemberJoinTimeoutMs: 300_000,
  offsetsTopicPartitions: 50,
  offsetMetadataMaxBytes: 4_096,
  offsetsRetentionMs: 10_080 * 60_000,
  offsetsRetentionCheckIntervalMs: 600_000,
}
