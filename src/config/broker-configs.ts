import { LONG_MAX, atLeast, boolean, int, list, long, string } from './config-def.js'

/**
 * Every broker config Brook knows, with Kafka's name, type and default (Kafka 4.x). This table is
 * the only list: parsing, validation, config/server.properties (a test compares them) and, later,
 * DescribeConfigs read it. Add a key here when code starts to read it.
 *
 * `inUse: false` marks keys that are accepted and validated now but read only by a later
 * component (the log storage, the group coordinator); server.properties lists them apart.
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
    doc: 'Partition count of topics created without one.',
    inUse: false,
  }),
  'default.replication.factor': int({
    default: 1,
    doc: 'Replication factor of topics created without one. One node: only 1 can be satisfied.',
    inUse: false,
  }),
  'auto.create.topics.enable': boolean({
    default: true,
    doc: 'Create a topic when a client asks for metadata of, or produces to, a topic that does not exist.',
    inUse: false,
  }),
  'offsets.topic.num.partitions': int({
    default: 50,
    validator: atLeast(1),
    doc: 'Partition count of __consumer_offsets, fixed when it is first created.',
    inUse: false,
  }),
  'group.initial.rebalance.delay.ms': int({
    default: 3000,
    doc: 'How long the first rebalance of an empty group waits for more members to join.',
    inUse: false,
  }),

  // --- log storage defaults (topic configs may override them)
  'log.segment.bytes': int({
    default: 1073741824,
    validator: atLeast(1048576),
    doc: 'Size at which a partition rolls to a new segment file.',
    inUse: false,
  }),
  'log.roll.ms': long({
    default: null,
    doc: 'Age at which a segment is rolled even if not full. If not set, log.roll.hours is used.',
    inUse: false,
  }),
  'log.roll.hours': int({
    default: 168,
    validator: atLeast(1),
    doc: 'Age in hours at which a segment is rolled, when log.roll.ms is not set.',
    inUse: false,
  }),
  'log.retention.ms': long({
    default: null,
    doc: 'How long to keep a segment before deleting it; -1 keeps it forever. If not set, log.retention.minutes is used.',
    inUse: false,
  }),
  'log.retention.minutes': int({
    default: null,
    doc: 'Retention in minutes, when log.retention.ms is not set. If not set either, log.retention.hours is used.',
    inUse: false,
  }),
  'log.retention.hours': int({
    default: 168,
    doc: 'Retention in hours, when neither log.retention.ms nor log.retention.minutes is set.',
    inUse: false,
  }),
  'log.retention.bytes': long({
    default: -1,
    doc: 'Largest size of a partition before old segments are deleted; -1 means no size limit.',
    inUse: false,
  }),
  'log.retention.check.interval.ms': long({
    default: 300000,
    validator: atLeast(1),
    doc: 'How often segments are checked against the retention limits.',
    inUse: false,
  }),
  'log.flush.interval.messages': long({
    default: LONG_MAX,
    validator: atLeast(1),
    doc: 'Messages appended to a partition before an fsync. The default leaves flushing to the OS.',
    inUse: false,
  }),
  'log.flush.interval.ms': long({
    default: null,
    doc: 'Time a message may wait in memory before an fsync. If not set, flushing is left to the OS.',
    inUse: false,
  }),
  'log.index.interval.bytes': int({
    default: 4096,
    validator: atLeast(0),
    doc: 'Bytes of log between two entries of the sparse offset index.',
    inUse: false,
  }),
  'log.index.size.max.bytes': int({
    default: 10485760,
    validator: atLeast(4),
    doc: 'Largest size of an offset or time index file; a full index rolls the segment.',
    inUse: false,
  }),
} as const
