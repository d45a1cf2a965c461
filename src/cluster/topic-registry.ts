/**
 * Which topics exist: name, id, partition count and topic configs. Metadata answers from it; the
 * storage opens partition logs from it. Kafka keeps this in the __cluster_metadata log; Brook has
 * one node and keeps one JSON file in the metadata log dir, replaced atomically on each change:
 *
 *     { "version": 1,
 *       "topics": [ { "name": "orders", "topicId": "<base64url uuid>", "partitions": 3,
 *                     "configs": { "retention.ms": "60000" } } ] }
 *
 * Changes are serialized and visible only once they are on disk.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BrookError, BrookErrorCode } from '../brook-error.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { KafkaError } from '../protocol/kafka-error.js'
import { isUuid, randomUuid } from '../protocol/primitives/uuid.js'
import { writeFileAtomic } from './atomic-file.js'
import { INTERNAL_TOPICS, collisionKey, topicNameProblem } from './topic-name.js'

export const TOPIC_REGISTRY_FILE = 'brook-topics.json'
const FORMAT_VERSION = 1

export interface TopicInfo {
  readonly name: string
  readonly topicId: string
  readonly partitions: number
  readonly configs: Readonly<Record<string, string>>
  readonly internal: boolean
}

export interface NewTopic {
  readonly name: string
  readonly partitions: number
  readonly configs?: Readonly<Record<string, string>>
}

interface StoredTopic {
  name: string
  topicId: string
  partitions: number
  configs: Record<string, string>
}

export class TopicRegistry {
  readonly #path: string
  readonly #byName = new Map<string, TopicInfo>()
  readonly #byId = new Map<string, TopicInfo>()
  #writes: Promise<unknown> = Promise.resolve()

  private constructor(path: string, topics: StoredTopic[]) {
    this.#path = path
    for (const t of topics) this.#add(toInfo(t))
  }

  static async open(dir: string): Promise<TopicRegistry> {
    const path = join(dir, TOPIC_REGISTRY_FILE)
    return new TopicRegistry(path, await readStored(path))
  }

  get(name: string): TopicInfo | undefined {
    return this.#byName.get(name)
  }

  byId(topicId: string): TopicInfo | undefined {
    return this.#byId.get(topicId)
  }

  /** All topics in creation order. */
  list(): IterableIterator<TopicInfo> {
    return this.#byName.values()
  }

  get size(): number {
    return this.#byName.size
  }

  /** Throws KafkaError INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS or INVALID_PARTITIONS. */
  create(topic: NewTopic): Promise<TopicInfo> {
    return this.#serialized(async () => {
      this.#checkNew(topic)
      let topicId = randomUuid()
      while (this.#byId.has(topicId)) topicId = randomUuid()
      const info = toInfo({ name: topic.name, topicId, partitions: topic.partitions, configs: { ...topic.configs } })
      await this.#persist([...this.#byName.values(), info])
      this.#add(info)
      return info
    })
  }

  /** Throws KafkaError UNKNOWN_TOPIC_OR_PARTITION when there is no such topic. */
  delete(name: string): Promise<TopicInfo> {
    return this.#serialized(async () => {
      const info = this.#byName.get(name)
      if (!info) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`)
      await this.#persist([...this.#byName.values()].filter((t) => t !== info))
      this.#byName.delete(name)
      this.#byId.delete(info.topicId)
      return info
    })
  }

  /**
   * Raises a topic's partition count (CreatePartitions). Throws KafkaError
   * UNKNOWN_TOPIC_OR_PARTITION, or INVALID_PARTITIONS with Kafka's messages when `count` is not an increase.
   */
  addPartitions(name: string, count: number): Promise<TopicInfo> {
    return this.#serialized(async () => {
      const old = this.#byName.get(name)
      if (!old) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`)
      if (count === old.partitions) {
        throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${old.partitions} partition(s).`)
      }
      if (!Number.isSafeInteger(count) || count < old.partitions) {
        throw new KafkaError(
          ErrorCode.INVALID_PARTITIONS,
          `The topic ${name} currently has ${old.partitions} partition(s); ${count} would not be an increase.`,
        )
      }
      // The configs object is kept: it is what config caches recognise a topic's configs by.
      const info = toInfo({ name, topicId: old.topicId, partitions: count, configs: old.configs as Record<string, string> })
      await this.#persist([...this.#byName.values()].map((t) => (t === old ? info : t)))
      this.#add(info)
      return info
    })
  }

  /**
   * Replaces a topic's config overrides (AlterConfigs). The new frozen configs object is what the
   * topic config cache recognises the change by. Throws KafkaError UNKNOWN_TOPIC_OR_PARTITION.
   */
  setConfigs(name: string, configs: Readonly<Record<string, string>>): Promise<TopicInfo> {
    return this.#serialized(async () => {
      const old = this.#byName.get(name)
      if (!old) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`)
      const info = toInfo({ name, topicId: old.topicId, partitions: old.partitions, configs: { ...configs } })
      await this.#persist([...this.#byName.values()].map((t) => (t === old ? info : t)))
      this.#add(info)
      return info
    })
  }

  /** Resolves once every change requested so far is on disk (or has failed). */
  async flush(): Promise<void> {
    await this.#writes
  }

  #checkNew(topic: NewTopic): void {
    const problem = topicNameProblem(topic.name)
    if (problem) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem)
    if (this.#byName.has(topic.name)) {
      throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic.name}' already exists.`)
    }
    const key = collisionKey(topic.name)
    for (const existing of this.#byName.keys()) {
      if (collisionKey(existing) === key) {
        throw new KafkaError(
          ErrorCode.INVALID_TOPIC_EXCEPTION,
          `Topic '${topic.name}' collides with existing topic: ${existing}`,
        )
      }
    }
    if (!Number.isSafeInteger(topic.partitions) || topic.partitions < 1) {
      throw new KafkaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.')
    }
  }

  #add(info: TopicInfo): void {
    this.#byName.set(info.name, info)
    this.#byId.set(info.topicId, info)
  }

  async #persist(topics: TopicInfo[]): Promise<void> {
    const stored: StoredTopic[] = topics.map(({ name, topicId, partitions, configs }) => ({
      name,
      topicId,
      partitions,
      configs: { ...configs },
    }))
    await writeFileAtomic(this.#path, `${JSON.stringify({ version: FORMAT_VERSION, topics: stored }, null, 2)}\n`)
  }

  #serialized<T>(change: () => Promise<T>): Promise<T> {
    const result = this.#writes.then(change)
    this.#writes = result.catch(() => undefined)
    return result
  }
}

function toInfo(t: StoredTopic): TopicInfo {
  return Object.freeze({ ...t, configs: Object.freeze(t.configs), internal: INTERNAL_TOPICS.has(t.name) })
}

async function readStored(path: string): Promise<StoredTopic[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  try {
    const doc = JSON.parse(text) as { version?: unknown; topics?: unknown }
    if (doc.version !== FORMAT_VERSION || !Array.isArray(doc.topics)) throw new Error(`unknown format version`)
    return doc.topics.map(checkStoredTopic)
  } catch (err) {
    throw new BrookError(
      BrookErrorCode.DATA_DIR_INVALID,
      `${path} cannot be read: ${(err as Error).message}. Restore it from a backup or remove it (its topics are then forgotten).`,
    )
  }
}

function checkStoredTopic(value: unknown): StoredTopic {
  const t = value as Partial<StoredTopic>
  const ok =
    typeof t.name === 'string' &&
    typeof t.topicId === 'string' &&
    isUuid(t.topicId) &&
    Number.isSafeInteger(t.partitions) &&
    typeof t.configs === 'object' &&
    t.configs !== null
  if (!ok) throw new Error(`malformed topic entry ${JSON.stringify(value)}`)
  return t as StoredTopic
}
