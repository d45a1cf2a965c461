/**
 * What both coordinators do with their internal topic (__consumer_offsets, __transaction_state):
 * an existing topic's partitions are replayed in the background from start-up on; a missing
 * topic is created, with Kafka's configs for it, when a client first looks for a coordinator, as
 * Kafka does (creating its partitions at every start would cost each start, each test fixture,
 * far more than answering the first request). The broker waits for what was started at close.
 */
import type { TopicInfo } from '../cluster/topic-registry.js'
import type { Logger } from '../log.js'
import type { ReplicaManager } from '../replica/replica-manager.js'
import type { PartitionLog } from '../storage/partition-log.js'

export interface InternalTopicOptions {
  readonly name: string
  /** The topic as registered at start-up, if it exists. */
  readonly existing: TopicInfo | undefined
  readonly replicas: ReplicaManager
  readonly log: Logger
  /** What a partition that cannot be replayed leaves unserved, for the log line ("groups"). */
  readonly serves: string
  readonly create: () => Promise<TopicInfo>
  /** Replays one partition into the coordinator; it serves the partition once this settles. */
  readonly load: (partition: number, log: PartitionLog) => Promise<void>
}

export class InternalTopic {
  readonly #o: InternalTopicOptions
  readonly #pending = new Set<Promise<unknown>>()

  constructor(o: InternalTopicOptions) {
    this.#o = o
  }

  /** The coordinator's activation on first lookup: creates a missing topic, then replays it. */
  readonly activate = (): Promise<void> => {
    const o = this.#o
    if (o.existing) return Promise.resolve()
    return this.#track(
      o.create().then(
        (topic) => this.#loadAll(topic),
        (err: unknown) => {
          o.log.error({ err }, `creating ${o.name} failed; coordinator lookups answer COORDINATOR_NOT_AVAILABLE`)
          throw err
        },
      ),
    )
  }

  /** Starts replaying the partitions of a topic that existed at start-up. */
  start(): void {
    if (this.#o.existing) this.#loadAll(this.#o.existing)
  }

  /** Settles once the creation and replays started so far have settled (failures are logged). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending)
  }

  #loadAll(topic: TopicInfo): void {
    const o = this.#o
    for (let p = 0; p < topic.partitions; p++) {
      const log = o.replicas.partition(o.name, p)
      if (!log) {
        o.log.error({ partition: p }, `${o.name} partition has no log; its ${o.serves} are not served`)
        continue
      }
      void this.#track(o.load(p, log)).catch((err: unknown) => {
        o.log.error({ err, partition: p }, `replaying ${o.name} failed; its ${o.serves} are not served`)
      })
    }
  }

  #track<T>(p: Promise<T>): Promise<T> {
    const settled = p.then(
      () => {},
      () => {},
    )
    this.#pending.add(settled)
    void settled.then(() => this.#pending.delete(settled))
    return p
  }
}
