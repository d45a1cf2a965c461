import { LONG_MAX, atLeast, between, boolean, double, int, list, long, oneOf, string } from './config-def.js'
import type { Validator } from './config-def.js'

const cleanupPolicies: Validator<readonly string[]> = {
  expectation: 'a list of compact, delete',
  accepts: (v) => v.every((p) => p === 'compact' || p === 'delete'),
}

const gzipLevel: Validator<number> = {
  expectation: 'a value in [1, 9] or -1',
  accepts: (v) => v === -1 || (v >= 1 && v <= 9),
}

/**
 * Every broker config Brook knows, with Kafka's name, type and default (Kafka 4.x). This table is
 * the only list: parsing, validation, config/server.properties (a test compares them) and, later,
 * DescribeConfigs read it. Add a key here when code starts to read it.
 *
 * `inUse: false` marks keys that are accepted and validated now but read only by a later
 * component (the group coordinator, a log cleaner) or not acted on by Brook (it says why);
 * server.properties lists them apart.
 */
export const brokerConfigDefs = {
  // --- identity and listeners
  'node.id': int({
    default: 1,
    validator: atLeast(0),
    doc: 'Id of this node. Kafka has no default (it must be set in KRaft); Brook runs one node and uses 1.',
  }),
  listeners: string({
    default: 'PLAINTEXT://:9092',
    doc: 'Comma-separated NAME://host:port addresses to bind. Empty host: all interfaces. Port 0: an ephemeral port.',
  }),
  'advertised.listeners': string({
    default: null,
    doc: 'Addresses given to clients in Metadata, per listener name; defaults to listeners. Port 0 advertises the bound port.',
  }),
  'listener.security.protocol.map': string({
    default: 'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT',
    doc: 'NAME:PROTOCOL pairs giving the security protocol of each listener name. Brook serves PLAINTEXT only so far.',
  }),

  // --- network
  'socket.request.max.bytes': int({
    default: 104857600,
    validator: atLeast(1),
    doc: 'Largest request frame accepted; a larger one closes the connection.',
  }),
  'connections.max.idle.ms': long({
    default: 600000,
    doc: 'A connection with no traffic for this long is closed. -1 never closes idle connections.',
  }),
  'metrics.port': int({
    default: -1,
    validator: between(-1, 65535),
    doc: 'Brook only (Kafka uses JMX): HTTP port of GET /metrics (Prometheus text), /health and /health/ready; 0 an ephemeral port, -1 off. Off by default so that embedded and test brokers never compete for a fixed port; config/server.properties and the Docker image set 9404.',
  }),

  // --- fetch
  'fetch.max.bytes': int({
    default: 57671680,
    validator: atLeast(1024),
    doc: 'Most bytes of records one Fetch response carries, whatever the request asks (a first batch larger than this still goes out).',
  }),
  'max.incremental.fetch.session.cache.slots': int({
    default: 1000,
    validator: atLeast(0),
    doc: 'Incremental fetch sessions (KIP-227) the broker keeps; 0 turns sessions off.',
  }),

  // --- data
  'log.dirs': list({
    default: null,
    doc: 'Comma-separated data directories. If not set, log.dir is used.',
  }),
  'log.dir': list({
    default: ['/tmp/kafka-logs'],
    doc: 'Data directory used when log.dirs is not set.',
  }),

  // --- topics
  'num.partitions': int({
    default: 1,
    validator: atLeast(1),
    doc: 'Partition count of topics created without one (auto-created, or CreateTopics with -1).',
  }),
  'default.replication.factor': int({
    default: 1,
    doc: 'Replication factor of topics created without one. One node: only 1 can be satisfied.',
  }),
  'auto.create.topics.enable': boolean({
    default: true,
    doc: 'Create a topic when a client asks for metadata of a topic that does not exist.',
  }),
  'delete.topic.enable': boolean({
    default: true,
    doc: 'Whether DeleteTopics may delete topics.',
  }),

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

  // --- log storage defaults (topic configs may override them)
  'log.segment.bytes': int({
    default: 1073741824,
    validator: atLeast(1048576),
    doc: 'Size at which a partition rolls to a new segment file.',
  }),
  'log.roll.ms': long({
    default: null,
    doc: 'Age at which a segment is rolled even if not full. If not set, log.roll.hours is used.',
  }),
  'log.roll.hours': int({
    default: 168,
    validator: atLeast(1),
    doc: 'Age in hours at which a segment is rolled, when log.roll.ms is not set.',
  }),
  'log.retention.ms': long({
    default: null,
    doc: 'How long to keep a segment before deleting it; -1 keeps it forever. If not set, log.retention.minutes is used.',
  }),
  'log.retention.minutes': int({
    default: null,
    doc: 'Retention in minutes, when log.retention.ms is not set. If not set either, log.retention.hours is used.',
  }),
  'log.retention.hours': int({
    default: 168,
    doc: 'Retention in hours, when neither log.retention.ms nor log.retention.minutes is set.',
  }),
  'log.retention.bytes': long({
    default: -1,
    doc: 'Largest size of a partition before old segments are deleted; -1 means no size limit.',
  }),
  'log.retention.check.interval.ms': long({
    default: 300000,
    validator: atLeast(1),
    doc: 'How often segments are checked against the retention limits.',
  }),
  'log.flush.interval.messages': long({
    default: LONG_MAX,
    validator: atLeast(1),
    doc: 'Messages appended to a partition before an fsync. The default leaves flushing to the OS.',
  }),
  'log.flush.interval.ms': long({
    default: null,
    doc: 'Time a message may wait in memory before an fsync. If not set, flushing is left to the OS.',
  }),
  'log.index.interval.bytes': int({
    default: 4096,
    validator: atLeast(0),
    doc: 'Bytes of log between two entries of the sparse offset index.',
  }),
  'log.index.size.max.bytes': int({
    default: 10485760,
    validator: atLeast(4),
    doc: 'Largest size of an offset or time index file; a full index rolls the segment.',
  }),
  'log.roll.jitter.ms': long({
    default: null,
    doc: 'Largest random amount subtracted from the roll age. If not set, log.roll.jitter.hours is used.',
  }),
  'log.roll.jitter.hours': int({
    default: 0,
    validator: atLeast(0),
    doc: 'Roll jitter in hours, when log.roll.jitter.ms is not set.',
  }),
  'log.flush.scheduler.interval.ms': long({
    default: LONG_MAX,
    doc: 'How often logs are checked against flush.ms; also the flush.ms default when log.flush.interval.ms is not set.',
  }),
  'log.flush.offset.checkpoint.interval.ms': int({
    default: 60000,
    validator: atLeast(0),
    doc: 'How often the recovery points (what is known to be on disk) are checkpointed.',
  }),
  'log.flush.start.offset.checkpoint.interval.ms': int({
    default: 60000,
    validator: atLeast(0),
    doc: 'How often the log start offsets are checkpointed.',
  }),
  'producer.id.expiration.ms': int({
    default: 86400000,
    validator: atLeast(1),
    doc: 'A partition forgets a producer id after this long without a write from it (unless a transaction of it is open there).',
  }),
  'producer.id.expiration.check.interval.ms': int({
    default: 600000,
    validator: atLeast(1),
    doc: 'How often partitions look for producer ids to expire.',
  }),
  'num.recovery.threads.per.data.dir': int({
    default: 2,
    validator: atLeast(1),
    doc: 'Logs loaded (and recovered) at once per log dir at start-up.',
  }),
  'log.segment.delete.delay.ms': long({
    default: 60000,
    validator: atLeast(0),
    doc: 'Delay before the files of a deleted segment or topic are removed from disk.',
  }),
  'log.cleanup.policy': list({
    default: ['delete'],
    validator: cleanupPolicies,
    doc: 'delete: old segments are deleted by retention; compact: the log cleaner keeps the last record per key.',
  }),
  'log.preallocate': boolean({
    default: false,
    doc: 'Preallocate new segment files (Brook does not).',
    inUse: false,
  }),
  'log.cleaner.delete.retention.ms': long({
    default: 86400000,
    validator: atLeast(0),
    doc: 'How long tombstones are kept in compacted topics.',
  }),
  'log.cleaner.min.compaction.lag.ms': long({
    default: 0,
    validator: atLeast(0),
    doc: 'Least time a message stays uncompacted.',
  }),
  'log.cleaner.max.compaction.lag.ms': long({
    default: LONG_MAX,
    validator: atLeast(1),
    doc: 'Longest time a message stays uncompacted.',
  }),
  'log.cleaner.min.cleanable.ratio': double({
    default: 0.5,
    validator: between(0, 1),
    doc: 'Share of a log not yet compacted at which the cleaner compacts it.',
  }),
  'log.cleaner.enable': boolean({
    default: true,
    doc: 'Run the log cleaner, which compacts topics with cleanup.policy=compact.',
  }),
  'log.cleaner.threads': int({
    default: 1,
    validator: atLeast(0),
    doc: 'Cleaner threads in Kafka; Brook cleans one log at a time and divides the dedupe buffer by this, as Kafka does.',
  }),
  'log.cleaner.dedupe.buffer.size': long({
    default: 134217728,
    validator: atLeast(0),
    doc: 'Memory for the key map of all cleaner threads: a clean maps at most this / 24 bytes x load factor keys.',
  }),
  'log.cleaner.io.buffer.load.factor': double({
    default: 0.9,
    validator: between(0, 1),
    doc: 'Share of the key map a clean fills before it stops mapping (a partial clean).',
  }),
  'log.cleaner.io.buffer.size': int({
    default: 524288,
    validator: atLeast(0),
    doc: 'Memory for the read and write buffers of the cleaner, split between the threads (a larger batch grows them).',
  }),
  'log.cleaner.io.max.bytes.per.second': double({
    default: 1.7976931348623157e308,
    doc: 'The cleaner sleeps to keep the bytes it reads and writes under this rate.',
  }),
  'log.cleaner.backoff.ms': long({
    default: 15000,
    validator: atLeast(0),
    doc: 'Wait before looking again when no log needs cleaning.',
  }),
  'log.local.retention.ms': long({
    default: -2,
    validator: atLeast(-2),
    doc: 'Local retention of tiered topics; -2: retention.ms (no tiered storage in Brook).',
    inUse: false,
  }),
  'log.local.retention.bytes': long({
    default: -2,
    validator: atLeast(-2),
    doc: 'Local retention size of tiered topics; -2: retention.bytes (no tiered storage in Brook).',
    inUse: false,
  }),

  // --- records (topic configs may override them)
  'message.max.bytes': int({
    default: 1048588,
    validator: atLeast(0),
    doc: 'Largest record batch (after compression) a producer may append.',
  }),
  'compression.type': string({
    default: 'producer',
    validator: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
    doc: 'Codec batches are stored with; producer keeps what the producer used.',
  }),
  'compression.gzip.level': int({
    default: -1,
    validator: gzipLevel,
    doc: 'gzip level for compression.type=gzip.',
  }),
  'compression.lz4.level': int({
    default: 9,
    validator: between(1, 17),
    doc: 'lz4 level for compression.type=lz4.',
  }),
  'compression.zstd.level': int({
    default: 3,
    validator: between(-131072, 22),
    doc: 'zstd level for compression.type=zstd.',
  }),
  'log.message.timestamp.type': string({
    default: 'CreateTime',
    validator: oneOf('CreateTime', 'LogAppendTime'),
    doc: 'CreateTime keeps the producer timestamp; LogAppendTime stamps the broker time.',
  }),
  'log.message.timestamp.before.max.ms': long({
    default: LONG_MAX,
    validator: atLeast(0),
    doc: 'How far a CreateTime timestamp may lie in the past.',
  }),
  'log.message.timestamp.after.max.ms': long({
    default: 3600000,
    validator: atLeast(0),
    doc: 'How far a CreateTime timestamp may lie in the future (Kafka 4.x default: 1 hour).',
  }),
  'min.insync.replicas': int({
    default: 1,
    validator: atLeast(1),
    doc: 'In-sync replicas an acks=-1 produce needs; one node has one.',
    inUse: false,
  }),
  'unclean.leader.election.enable': boolean({
    default: false,
    doc: 'Whether a replica outside the ISR may become leader (one node: no other replica).',
    inUse: false,
  }),
  'transaction.state.log.replication.factor': int({
    default: 3,
    validator: atLeast(1),
    doc: "Replication factor of __transaction_state; one node creates it with 1 (Kafka's sample server.properties sets 1).",
    inUse: false,
  }),
  'transaction.state.log.min.isr': int({
    default: 2,
    validator: atLeast(1),
    doc: 'min.insync.replicas of __transaction_state; one node has one replica.',
    inUse: false,
  }),
} as const
