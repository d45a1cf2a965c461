import { atLeast, between, int, long } from './config-def.js'

/** Broker configs of the group and transaction coordinators and their internal topics. */
export const coordinatorConfigDefs = {
  // --- consumer groups (the group coordinator and __consumer_offsets)
  'group.initial.rebalance.delay.ms': int({
    default: 3000,
    doc: "How long the first rebalance of an empty group waits for more members to join. Kafka's sample server.properties sets 0 for development; startBroker() defaults to 0.",
  }),
  'group.min.session.timeout.ms': int({
    default: 6000,
    doc: 'Shortest session timeout a consumer may ask for in JoinGroup; shorter gets INVALID_SESSION_TIMEOUT.',
  }),
  'group.max.session.timeout.ms': int({
    default: 1800000,
    doc: 'Longest session timeout a consumer may ask for in JoinGroup; longer gets INVALID_SESSION_TIMEOUT.',
  }),
  'group.max.size': int({
    default: 2147483647,
    validator: atLeast(1),
    doc: 'Members a classic group accepts; a further member gets GROUP_MAX_SIZE_REACHED.',
  }),
  'offset.metadata.max.bytes': int({
    default: 4096,
    doc: 'Longest metadata string an offset commit may carry; longer gets OFFSET_METADATA_TOO_LARGE.',
  }),
  'offsets.retention.minutes': int({
    default: 10080,
    validator: atLeast(1),
    doc: "How long the committed offsets of a group without members are kept (counted from the group's emptying or the commit).",
  }),
  'offsets.retention.check.interval.ms': long({
    default: 600000,
    validator: atLeast(1),
    doc: 'How often expired committed offsets are looked for.',
  }),
  'offsets.topic.num.partitions': int({
    default: 50,
    validator: atLeast(1),
    doc: 'Partition count of __consumer_offsets, fixed when it is first created; an existing topic keeps its count.',
  }),
  'offsets.topic.segment.bytes': int({
    default: 104857600,
    validator: atLeast(1),
    doc: 'segment.bytes of __consumer_offsets when it is created (smaller than other topics, for faster loads).',
  }),
  'offsets.topic.compression.codec': int({
    default: 0,
    validator: between(0, 4),
    doc: 'Codec of the batches the group coordinator writes: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd.',
  }),

  // --- transactions
  'transaction.state.log.num.partitions': int({
    default: 50,
    validator: atLeast(1),
    doc: 'Partition count of __transaction_state, fixed when it is first created; an existing topic keeps its count.',
  }),
  'transaction.state.log.segment.bytes': int({
    default: 104857600,
    validator: atLeast(1),
    doc: 'segment.bytes of __transaction_state when it is created.',
  }),
  'transaction.max.timeout.ms': int({
    default: 900000,
    validator: atLeast(1),
    doc: 'Longest transaction.timeout.ms a producer may ask for; a longer one is refused with INVALID_TRANSACTION_TIMEOUT.',
  }),
  'transactional.id.expiration.ms': int({
    default: 604800000,
    validator: atLeast(1),
    doc: 'A transactional id with no transaction for this long is removed.',
  }),
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': int({
    default: 10000,
    validator: atLeast(1),
    doc: 'How often transactions open longer than their timeout are looked for and aborted.',
  }),
  'transaction.remove.expired.transaction.cleanup.interval.ms': int({
    default: 3600000,
    validator: atLeast(1),
    doc: 'How often expired transactional ids are looked for.',
  }),
} as const
