/**
 * Every topic config Kafka defines (4.x, plus the three 3.8 keys 4.0 removed), with Kafka's
 * name, type, default, validator and messages, and the broker configs it inherits its default
 * from (Kafka's ServerTopicConfigSynonyms: the first of them set in the broker's config wins).
 * CreateTopics validates against this table, the effective LogConfig and ValidatorConfig are
 * built from it (topic-config-cache.ts), and DescribeConfigs will list it.
 *
 * `notHonoured` says why Brook accepts a key without acting on it: the key is validated, stored
 * and described as Kafka does, and this note is what the docs and the report give users.
 */
import type { BrokerConfigKey } from './broker-config.js'
import { LONG_MAX } from './config-def.js'
import type { ConfigType } from './config-def.js'
import { atLeast, between, eachOneOf, gzipLevel, metadataVersion, oneOf, throttledReplicas } from './kafka-validators.js'
import type { KafkaValidator } from './kafka-validators.js'

/** A broker config supplying a topic config's default; hours and minutes convert to ms. */
export interface BrokerSynonym {
  readonly name: BrokerConfigKey
  readonly unit?: 'minutes' | 'hours'
}

export interface TopicConfigDef<T> {
  readonly type: ConfigType
  readonly default: T
  readonly doc: string
  readonly validate?: KafkaValidator<T>
  /** Highest priority first. Empty: the topic default applies unless the topic overrides it. */
  readonly synonyms: readonly BrokerSynonym[]
  /** Why Brook accepts the key without acting on it; absent when Brook honours it. */
  readonly notHonoured?: string
  /** Kafka 4.0 removed the key; Brook accepts it as Kafka 3.8 does, for clients of that era. */
  readonly removedInKafka4?: true
}

interface DefOptions<T> {
  readonly default: T
  readonly doc: string
  readonly validate?: KafkaValidator<T>
  readonly synonyms?: readonly (BrokerConfigKey | BrokerSynonym)[]
  readonly notHonoured?: string
  readonly removedInKafka4?: true
}

function define<T>(type: ConfigType) {
  return (o: DefOptions<T>): TopicConfigDef<T> => ({
    ...o,
    type,
    synonyms: (o.synonyms ?? []).map((s) => (typeof s === 'string' ? { name: s } : s)),
  })
}

const boolean = define<boolean>('boolean')
const string = define<string>('string')
const int = define<number>('int')
const long = define<number>('long')
const double = define<number>('double')
const list = define<readonly string[]>('list')

const ONE_REPLICA = 'Brook keeps one replica of each partition: nothing is replicated or throttled.'
const NO_REMOTE_STORAGE = 'Brook has no tiered storage (as Kafka with remote.log.storage.system.enable=false).'

/** In Kafka's definition order, which is the order values are checked in. */
export const topicConfigDefs = {
  'segment.bytes': int({
    default: 1073741824,
    validate: atLeast(1048576),
    synonyms: ['log.segment.bytes'],
    doc: 'Size at which a partition rolls to a new segment file (Kafka 4.x minimum: 1 MiB).',
  }),
  'segment.ms': long({
    default: 604800000,
    validate: atLeast(1),
    synonyms: ['log.roll.ms', { name: 'log.roll.hours', unit: 'hours' }],
    doc: 'Age at which a segment is rolled even if not full.',
  }),
  'segment.jitter.ms': long({
    default: 0,
    validate: atLeast(0),
    synonyms: ['log.roll.jitter.ms', { name: 'log.roll.jitter.hours', unit: 'hours' }],
    doc: 'Largest random amount subtracted from segment.ms, so that segments do not all roll at once.',
  }),
  'segment.index.bytes': int({
    default: 10485760,
    validate: atLeast(4),
    synonyms: ['log.index.size.max.bytes'],
    doc: 'Largest size of an offset or time index file; a full index rolls the segment.',
  }),
  'flush.messages': long({
    default: LONG_MAX,
    validate: atLeast(1),
    synonyms: ['log.flush.interval.messages'],
    doc: 'Messages appended before an fsync. The default leaves flushing to the OS.',
  }),
  'flush.ms': long({
    default: LONG_MAX,
    validate: atLeast(0),
    synonyms: ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
    doc: 'Time a message may wait before an fsync. The default leaves flushing to the OS.',
  }),
  'retention.bytes': long({
    default: -1,
    synonyms: ['log.retention.bytes'],
    doc: 'Largest size of a partition before its oldest segments are deleted; -1: no limit.',
  }),
  'retention.ms': long({
    default: 604800000,
    validate: atLeast(-1),
    synonyms: ['log.retention.ms', { name: 'log.retention.minutes', unit: 'minutes' }, { name: 'log.retention.hours', unit: 'hours' }],
    doc: 'How long a segment is kept before it is deleted; -1 keeps it forever.',
  }),
  'max.message.bytes': int({
    default: 1048588,
    validate: atLeast(0),
    synonyms: ['message.max.bytes'],
    doc: 'Largest record batch (after compression) a producer may append.',
  }),
  'index.interval.bytes': int({
    default: 4096,
    validate: atLeast(0),
    synonyms: ['log.index.interval.bytes'],
    doc: 'Bytes of log between two offset index entries.',
  }),
  'delete.retention.ms': long({
    default: 86400000,
    validate: atLeast(0),
    synonyms: ['log.cleaner.delete.retention.ms'],
    doc: 'How long tombstones are kept in a compacted topic.',
  }),
  'min.compaction.lag.ms': long({
    default: 0,
    validate: atLeast(0),
    synonyms: ['log.cleaner.min.compaction.lag.ms'],
    doc: 'Least time a message stays uncompacted.',
  }),
  'max.compaction.lag.ms': long({
    default: LONG_MAX,
    validate: atLeast(1),
    synonyms: ['log.cleaner.max.compaction.lag.ms'],
    doc: 'Longest time a message stays uncompacted.',
  }),
  'file.delete.delay.ms': long({
    default: 60000,
    validate: atLeast(0),
    synonyms: ['log.segment.delete.delay.ms'],
    doc: 'Delay before the files of a deleted segment or topic are removed from disk.',
  }),
  'min.cleanable.dirty.ratio': double({
    default: 0.5,
    validate: between(0, 1),
    synonyms: ['log.cleaner.min.cleanable.ratio'],
    doc: 'Share of the log not yet compacted at which the cleaner compacts it.',
  }),
  'cleanup.policy': list({
    default: ['delete'],
    validate: eachOneOf('compact', 'delete'),
    synonyms: ['log.cleanup.policy'],
    doc: 'delete: old segments are deleted by retention.ms/bytes; compact: keep the last record per key.',
  }),
  'unclean.leader.election.enable': boolean({
    default: false,
    synonyms: ['unclean.leader.election.enable'],
    notHonoured: ONE_REPLICA,
    doc: 'Whether a replica outside the ISR may become leader, losing data.',
  }),
  'min.insync.replicas': int({
    default: 1,
    validate: atLeast(1),
    synonyms: ['min.insync.replicas'],
    notHonoured: 'Read into LogConfig; Produce does not yet answer NOT_ENOUGH_REPLICAS for acks=-1 when it exceeds 1.',
    doc: 'In-sync replicas an acks=-1 produce needs.',
  }),
  'compression.type': string({
    default: 'producer',
    validate: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
    synonyms: ['compression.type'],
    doc: 'Codec batches are stored with; producer keeps the codec the producer used.',
  }),
  'compression.gzip.level': int({
    default: -1,
    validate: gzipLevel,
    synonyms: ['compression.gzip.level'],
    doc: 'gzip level when compression.type is gzip: 1-9, or -1 for zlib default.',
  }),
  'compression.lz4.level': int({
    default: 9,
    validate: between(1, 17),
    synonyms: ['compression.lz4.level'],
    doc: 'lz4 level when compression.type is lz4.',
  }),
  'compression.zstd.level': int({
    default: 3,
    validate: between(-131072, 22),
    synonyms: ['compression.zstd.level'],
    doc: 'zstd level when compression.type is zstd.',
  }),
  preallocate: boolean({
    default: false,
    synonyms: ['log.preallocate'],
    notHonoured: 'Segment files grow as they are written; they are not preallocated.',
    doc: 'Whether a new segment file is preallocated to segment.bytes.',
  }),
  'message.format.version': string({
    default: '3.0-IV1',
    validate: metadataVersion,
    removedInKafka4: true,
    notHonoured: 'Brook stores message format v2 only, as Kafka 4.0.',
    doc: 'Deprecated record format version (removed in Kafka 4.0).',
  }),
  'message.timestamp.type': string({
    default: 'CreateTime',
    validate: oneOf('CreateTime', 'LogAppendTime'),
    synonyms: ['log.message.timestamp.type'],
    doc: 'CreateTime keeps the producer timestamp; LogAppendTime stamps the broker time.',
  }),
  'message.timestamp.difference.max.ms': long({
    default: LONG_MAX,
    validate: atLeast(0),
    removedInKafka4: true,
    doc: 'Deprecated: used for message.timestamp.before/after.max.ms left at Long.MAX_VALUE (Kafka 3.8).',
  }),
  'message.timestamp.before.max.ms': long({
    default: LONG_MAX,
    validate: atLeast(0),
    synonyms: ['log.message.timestamp.before.max.ms'],
    doc: 'How far a CreateTime timestamp may lie in the past.',
  }),
  'message.timestamp.after.max.ms': long({
    default: 3600000,
    validate: atLeast(0),
    synonyms: ['log.message.timestamp.after.max.ms'],
    doc: 'How far a CreateTime timestamp may lie in the future (Kafka 4.x default: 1 hour).',
  }),
  'leader.replication.throttled.replicas': list({
    default: [],
    validate: throttledReplicas('leader.replication.throttled.replicas'),
    notHonoured: ONE_REPLICA,
    doc: 'Replicas whose replication is throttled on the leader: partition:broker pairs or *.',
  }),
  'follower.replication.throttled.replicas': list({
    default: [],
    validate: throttledReplicas('follower.replication.throttled.replicas'),
    notHonoured: ONE_REPLICA,
    doc: 'Replicas whose replication is throttled on the follower: partition:broker pairs or *.',
  }),
  'message.downconversion.enable': boolean({
    default: true,
    removedInKafka4: true,
    notHonoured: 'Brook serves Fetch v4+ only, so records are never down-converted.',
    doc: 'Deprecated: whether old fetch versions get records down-converted (removed in Kafka 4.0).',
  }),
  'remote.storage.enable': boolean({
    default: false,
    doc: `Tiered storage for the topic. true is refused, as Kafka refuses it when tiered storage is disabled. ${NO_REMOTE_STORAGE}`,
  }),
  'local.retention.ms': long({
    default: -2,
    validate: atLeast(-2),
    synonyms: ['log.local.retention.ms'],
    notHonoured: NO_REMOTE_STORAGE,
    doc: 'Local retention of a tiered topic; -2: retention.ms.',
  }),
  'local.retention.bytes': long({
    default: -2,
    validate: atLeast(-2),
    synonyms: ['log.local.retention.bytes'],
    notHonoured: NO_REMOTE_STORAGE,
    doc: 'Local retention size of a tiered topic; -2: retention.bytes.',
  }),
  'remote.log.copy.disable': boolean({
    default: false,
    notHonoured: NO_REMOTE_STORAGE,
    doc: 'Stop copying segments of a tiered topic to remote storage (Kafka 3.9+).',
  }),
  'remote.log.delete.on.disable': boolean({
    default: false,
    notHonoured: NO_REMOTE_STORAGE,
    doc: 'Delete remote data when tiered storage is turned off for the topic (Kafka 3.9+).',
  }),
} as const

export type TopicConfigKey = keyof typeof topicConfigDefs
type ValueOf<D> = D extends TopicConfigDef<infer T> ? T : never
export type TopicConfigValues = { readonly [K in TopicConfigKey]: ValueOf<(typeof topicConfigDefs)[K]> }

export const TOPIC_CONFIG_KEYS = Object.keys(topicConfigDefs) as readonly TopicConfigKey[]

export function isTopicConfigKey(key: string): key is TopicConfigKey {
  return Object.hasOwn(topicConfigDefs, key)
}
