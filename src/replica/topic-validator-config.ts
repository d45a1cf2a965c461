/**
 * The produce validator's settings for a partition's topic: the log's own config plus the
 * compression settings. Until the topic config table serves compression.type and its levels,
 * those are Kafka's defaults; this is the one place that changes when it does.
 */
import type { LogConfig } from '../storage/log-config.js'
import type { PartitionLog } from '../storage/partition-log.js'
import { validatorConfig, type ValidatorConfig } from './validator-config.js'

/** Keyed by the LogConfig object, so a topic whose config is altered gets a fresh entry. */
const cache = new WeakMap<LogConfig, ValidatorConfig>()

export function topicValidatorConfig(log: PartitionLog): ValidatorConfig {
  const config = log.config
  let merged = cache.get(config)
  if (merged === undefined) {
    merged = validatorConfig(config)
    cache.set(config, merged)
  }
  return merged
}
