/**
 * consumer-groups' `--topic` values as Kafka's ConsumerGroupCommand reads them: `topic:0,1` names
 * partitions, a plain name means all of the topic's partitions (each subcommand resolves those).
 */
import type { TopicPartition } from '../client/group-offsets.js'
import { UsageError } from '../tool-args.js'

export interface TopicArgs {
  /** The partitions named explicitly. */
  readonly partitions: TopicPartition[]
  /** Topics given without partitions. */
  readonly whole: string[]
}

export function parseTopicArgs(topicArgs: readonly string[]): TopicArgs {
  const partitions: TopicPartition[] = []
  const whole: string[] = []
  for (const arg of topicArgs) {
    if (!arg.includes(':')) {
      whole.push(arg)
      continue
    }
    const parts = arg.split(':')
    if (parts.length !== 2) throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`)
    for (const p of (parts[1] as string).split(',')) {
      if (!/^-?\d+$/.test(p)) throw new UsageError(`Invalid partition '${p}' specified in topic arg '${arg}''`)
      partitions.push({ topic: parts[0] as string, partition: Number(p) })
    }
  }
  return { partitions, whole }
}
