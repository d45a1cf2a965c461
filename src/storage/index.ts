export { ManualClock, systemClock, TimerScheduler, type Clock, type Scheduler, type Task } from './clock.js'
export { DEFAULT_LOG_CONFIG, LOG_CONFIG_NAMES, logConfig, type CleanupPolicy, type LogConfig, type MessageTimestampType } from './log-config.js'
export { LogManager, type CreateLogOptions, type LogManagerOptions } from './log-manager.js'
export { PartitionLog } from './partition-log.js'
export {
  InvalidBatchError, LogClosedError,
  type AppendOptions, type AppendResult, type OffsetAndEpoch, type ReadOptions, type ReadResult,
} from './partition-log-types.js'
export type { Decompress } from './segment-lookup.js'
