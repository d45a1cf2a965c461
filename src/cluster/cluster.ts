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
  #endpoints = new Map<string, AdvertisedEndpoint>()

  constructor(options: { nodeId: number; clusterId: string; topics: TopicRegistry }) {
    this.nodeId = options.nodeId
    this.clusterId = options.clusterId
    this.topics = options.topics
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

  createTopic(topic: NewTopic): Promise<TopicInfo> {
    return this.topics.create(topic)
  }
}
