/**
 * Kafka's command-line tools, run as `brook <tool>` or under Kafka's script names
 * (`kafka-topics`, `kafka-topics.sh`, ...) through the bin/ shims.
 */
import { brokerApiVersionsTool } from './broker-api-versions.js'
import { configsTool } from './configs.js'
import { consoleConsumerTool } from './console-consumer.js'
import { consoleProducerTool } from './console-producer.js'
import { consumerGroupsTool } from './consumer-groups.js'
import { processIO, runTool } from './tool.js'
import type { Tool } from './tool.js'
import { topicsTool } from './topics.js'

export const tools: readonly Tool[] = [topicsTool, consoleProducerTool, consoleConsumerTool, consumerGroupsTool, configsTool, brokerApiVersionsTool]

/** Runs `name` (a brook tool name or Kafka's script name, with or without .sh) with the process's streams. */
export async function runToolByName(name: string, argv: readonly string[]): Promise<number> {
  const bare = name.replace(/\.sh$/, '')
  const tool = tools.find((t) => t.name === bare || t.kafkaName === bare)
  if (tool === undefined) throw new Error(`unknown tool ${name}`)
  return runTool(tool, argv, processIO())
}
