/**
 * The topic settings the produce validator reads: LogConfig's fields plus the compression
 * configs LogConfig lacks (Kafka 3.8+: compression.type and the per-codec levels of KIP-390).
 * The lead merges these into the topic config table; until then callers build one with
 * `validatorConfig(logConfig, overrides)`.
 */
import { CompressionType } from '../protocol/records/attributes.js'
import type { LogConfig } from '../storage/log-config.js'

/** compression.type values: `producer` keeps what the producer sent. */
export type TopicCompression = 'producer' | 'uncompressed' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

export interface CompressionConfig {
  compressionType: TopicCompression
  /** zlib level 1-9, or -1 for zlib's default. */
  compressionGzipLevel: number
  /** 1-17; Brook's lz4 codec writes the same bytes at every level (see compression/lz4.ts). */
  compressionLz4Level: number
  /** -131072..22. */
  compressionZstdLevel: number
}

export type ValidatorConfig = CompressionConfig &
  Pick<
    LogConfig,
    | 'cleanupPolicy'
    | 'maxMessageBytes'
    | 'segmentBytes'
    | 'messageTimestampType'
    | 'messageTimestampBeforeMaxMs'
    | 'messageTimestampAfterMaxMs'
  >

export const COMPRESSION_CONFIG_NAMES: { readonly [K in keyof CompressionConfig]: string } = {
  compressionType: 'compression.type',
  compressionGzipLevel: 'compression.gzip.level',
  compressionLz4Level: 'compression.lz4.level',
  compressionZstdLevel: 'compression.zstd.level',
}

export const DEFAULT_COMPRESSION_CONFIG: Readonly<CompressionConfig> = Object.freeze({
  compressionType: 'producer',
  compressionGzipLevel: -1,
  compressionLz4Level: 9,
  compressionZstdLevel: 3,
})

export function validatorConfig(log: LogConfig, overrides: Partial<CompressionConfig> = {}): ValidatorConfig {
  return { ...DEFAULT_COMPRESSION_CONFIG, ...log, ...overrides }
}

/** What a batch is stored as: the topic's codec and level, or the producer's codec at its default level. */
export interface TargetCompression {
  type: CompressionType
  level: number | undefined
}

const TOPIC_CODECS: Record<Exclude<TopicCompression, 'producer'>, CompressionType> = {
  uncompressed: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
}

/** Kafka's BrokerCompressionType.targetCompression. */
export function targetCompression(config: CompressionConfig, source: CompressionType): TargetCompression {
  if (config.compressionType === 'producer') return { type: source, level: undefined }
  const type = TOPIC_CODECS[config.compressionType]
  const levels: Partial<Record<CompressionType, number>> = {
    [CompressionType.Gzip]: config.compressionGzipLevel,
    [CompressionType.Lz4]: config.compressionLz4Level,
    [CompressionType.Zstd]: config.compressionZstdLevel,
  }
  return { type, level: levels[type] }
}
