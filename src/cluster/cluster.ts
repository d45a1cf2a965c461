import { KafkaError } from '../protocol/kafka-error.js'
import type { TopicAdmin } from './topic-admin.js'
import { isTopicError } from './topic-placement.js'
import type { NewTopic, TopicInfo, TopicRegistry } from './topic-registry.js'

/** Where clients reach this node through one listener (the address Metadata gives them). */
export interface AdvertisedEndpoint {
  readonly listenerName: string
  readonly securityProtocol: string
  readonly host: string
  readonly port: number
}

/**
 * What Metadata describes: this node (the only broker and the controller), the cluster id, and
 * the topics. One node leads every partition with replicas and ISR equal to itself.
 */
export class Cluster {
  readonly nodeId: number
  readonly clusterId: string
  readonly topics: TopicRegistry
  /** Creates and deletes topics: registry and logs together. */
  readonly admin: TopicAdmin
  #endpoints = new Map<string, AdvertisedEndpoint>()

  constructor(options: { nodeId: number; clusterId: string; topics: TopicRegistry; admin: TopicAdmin }) {
    this.nodeId = options.nodeId
    this.clusterId = options.clusterId
    this.topics = options.topics
    this.admin = options.admin
  }

  /** The controller is this node: Brook is a combined broker and controller. */
  get controllerId(): number {
    return this.nodeId
  }

  /** Set once the listeners are bound, since port 0 is only known then. */
  setAdvertisedEndpoints(endpoints: readonly AdvertisedEndpoint[]): void {
    this.#endpoints = new Map(endpoints.map((e) => [e.listenerName, e]))
  }

  /** Kafka answers Metadata with the address of the listener the request came in on. */
  endpointFor(listenerName: string): AdvertisedEndpoint | undefined {
    return this.#endpoints.get(listenerName)
  }

  get advertisedEndpoints(): readonly AdvertisedEndpoint[] {
    return [...this.#endpoints.values()]
  }

  /**
   * Creates a topic with its logs, internal ones included (for embedding, tests and coordinators).
   * Configs are validated as CreateTopics validates them; throws KafkaError with Kafka's code and message.
   */
  async createTopic(topic: NewTopic): Promise<TopicInfo> {
    const configs = Object.entries(topic.configs ?? {}).map(([name, value]) => ({ name, value }))
    const [result] = await this.admin.createTopics(
      [{ name: topic.name, numPartitions: topic.partitions, replicationFactor: -1, configs }],
      { internal: true },
    )
    if (isTopicError(result!)) throw new KafkaError(result!.errorCode, result!.errorMessage ?? undefined)
    return this.topics.get(topic.name)!
  }
}
