/**
 * Stop-gap for the produce/list-offsets tests until `cluster.createTopic` also creates the
 * partition logs (the topic admin work): registers the topic, then creates its logs.
 */
import type { Broker } from '../../src/broker.js'
import type { TopicInfo } from '../../src/cluster/topic-registry.js'

export async function createTopicWithLogs(
  broker: Broker,
  name: string,
  partitions = 1,
  configs: Readonly<Record<string, string>> = {},
): Promise<TopicInfo> {
  const topic = await broker.cluster.createTopic({ name, partitions, configs })
  await broker.replicas.ensureLogs(topic)
  return topic
}
