/**
 * Per-topic log settings under Kafka's topic config names, with Kafka's defaults.
 * A PartitionLog reads its config through a getter on every use, so an altered topic
 * config applies to the next append, roll or retention check without reopening the log.
 */
import { LONG_MAX } from '../config/config-def.js'

export type CleanupPolicy = 'delete' | 'compact'
export type MessageTimestampType = 'CreateTime' | 'LogAppendTime'

export interface LogConfig {
  cleanupPolicy: readonly CleanupPolicy[]
  segmentBytes: number
  segmentMs: number
  segmentJitterMs: number
  segmentIndexBytes: number
  indexIntervalBytes: number
  retentionMs: number
  retentionBytes: number
  /** LONG_MAX (Kafka's Long.MAX_VALUE): never force an fsync by count. */
  flushMessages: number
  /** LONG_MAX: never force an fsync by age. */
  flushMs: number
  fileDeleteDelayMs: number
  maxMessageBytes: number
  messageTimestampType: MessageTimestampType
  messageTimestampBeforeMaxMs: number
  messageTimestampAfterMaxMs: number
  minInsyncReplicas: number
  deleteRetentionMs: number
  minCompactionLagMs: number
  maxCompactionLagMs: number
  minCleanableDirtyRatio: number
  preallocate: boolean
}

/** Kafka's topic config name for each field. */
export const LOG_CONFIG_NAMES: { readonly [K in keyof LogConfig]: string } = {
  cleanupPolicy: 'cleanup.policy',
  segmentBytes: 'segment.bytes',
  segmentMs: 'segment.ms',
  segmentJitterMs: 'segment.jitter.ms',
  segmentIndexBytes: 'segment.index.bytes',
  indexIntervalBytes: 'index.interval.bytes',
  retentionMs: 'retention.ms',
  retentionBytes: 'retention.bytes',
  flushMessages: 'flush.messages',
  flushMs: 'flush.ms',
  fileDeleteDelayMs: 'file.delete.delay.ms',
  maxMessageBytes: 'max.message.bytes',
  messageTimestampType: 'message.timestamp.type',
  messageTimestampBeforeMaxMs: 'message.timestamp.before.max.ms',
  messageTimestampAfterMaxMs: 'message.timestamp.after.max.ms',
  minInsyncReplicas: 'min.insync.replicas',
  deleteRetentionMs: 'delete.retention.ms',
  minCompactionLagMs: 'min.compaction.lag.ms',
  maxCompactionLagMs: 'max.compaction.lag.ms',
  minCleanableDirtyRatio: 'min.cleanable.dirty.ratio',
  preallocate: 'preallocate',
}

const DEFAULTS: LogConfig = {
  cleanupPolicy: ['delete'],
  segmentBytes: 1073741824,
  segmentMs: 604800000,
  segmentJitterMs: 0,
  segmentIndexBytes: 10485760,
  indexIntervalBytes: 4096,
  retentionMs: 604800000,
  retentionBytes: -1,
  flushMessages: LONG_MAX,
  flushMs: LONG_MAX,
  fileDeleteDelayMs: 60000,
  maxMessageBytes: 1048588,
  messageTimestampType: 'CreateTime',
  messageTimestampBeforeMaxMs: LONG_MAX,
  messageTimestampAfterMaxMs: LONG_MAX,
  minInsyncReplicas: 1,
  deleteRetentionMs: 86400000,
  minCompactionLagMs: 0,
  maxCompactionLagMs: LONG_MAX,
  minCleanableDirtyRatio: 0.5,
  preallocate: false,
}
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze(DEFAULTS)

/** A config with some fields overridden: `logConfig({ segmentBytes: 1024 })`. */
export function logConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides }
}
