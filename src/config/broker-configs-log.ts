import { LONG_MAX, atLeast, between, boolean, double, int, list, long } from './config-def.js'
import type { Validator } from './config-def.js'

const cleanupPolicies: Validator<readonly string[]> = {
  expectation: 'a list of compact, delete',
  accepts: (v) => v.every((p) => p === 'compact' || p === 'delete'),
}

/** Broker configs of the log: segments, retention, flushing, recovery, producer-id expiry and the log cleaner. */
export const logConfigDefs = {
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
} as const
