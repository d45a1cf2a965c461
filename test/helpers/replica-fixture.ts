/**
 * A topic registry, log manager and replica manager over a temp dir, without a broker: the
 * ground the produce and list-offsets unit tests stand on. Each topic may have its own LogConfig.
 */
import { pino } from 'pino'
import { onTestFinished } from 'vitest'
import { TopicRegistry } from '../../src/cluster/topic-registry.js'
import type { TopicInfo } from '../../src/cluster/topic-registry.js'
import type { Logger } from '../../src/log.js'
import { decompress } from '../../src/protocol/records/compression/index.js'
import { ReplicaManager } from '../../src/replica/replica-manager.js'
import { validatorConfig } from '../../src/replica/validator-config.js'
import type { CompressionConfig, ValidatorConfig } from '../../src/replica/validator-config.js'
import { logConfig } from '../../src/storage/log-config.js'
import type { LogConfig } from '../../src/storage/log-config.js'
import { LogManager } from '../../src/storage/log-manager.js'
import type { PartitionLog } from '../../src/storage/partition-log.js'
import { tempDir } from '../storage/helpers.js'

export interface ReplicaFixture {
  readonly topics: TopicRegistry
  readonly logs: LogManager
  readonly replicas: ReplicaManager
  /** What Produce reads each topic's validator settings from (the topic config table's role). */
  readonly configs: { validatorConfig(topic: string): ValidatorConfig }
  readonly log: Logger
  /** Registers a topic with its own LogConfig and compression overrides and creates its logs. */
  createTopic(name: string, partitions?: number, config?: Partial<LogConfig>, compression?: Partial<CompressionConfig>): Promise<TopicInfo>
  partition(topic: string, p?: number): PartitionLog
}

export async function replicaFixture(): Promise<ReplicaFixture> {
  const dir = await tempDir('brook-replica-')
  const topics = await TopicRegistry.open(dir)
  const configs = new Map<string, LogConfig>()
  const validators = new Map<string, ValidatorConfig>()
  const logs = await LogManager.open({ logDirs: [dir], configFor: (t) => configs.get(t) ?? logConfig(), decompress })
  const log: Logger = pino({ level: 'silent' })
  const replicas = new ReplicaManager(topics, logs, log)
  onTestFinished(() => logs.close())
  return {
    topics,
    logs,
    replicas,
    configs: { validatorConfig: (t) => validators.get(t) ?? validatorConfig(logConfig()) },
    log,
    async createTopic(name, partitions = 1, config = {}, compression = {}) {
      configs.set(name, logConfig(config))
      validators.set(name, validatorConfig(logConfig(config), compression))
      const topic = await topics.create({ name, partitions })
      await replicas.ensureLogs(topic)
      return topic
    },
    partition(topic, p = 0) {
      const found = replicas.partition(topic, p)
      if (!found) throw new Error(`no log for ${topic}-${p}`)
      return found
    },
  }
}
