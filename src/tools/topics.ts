/**
 * kafka-topics: create, list, describe, alter (partitions) and delete topics, with
 * TopicCommand's options, messages and exit codes. Failures of the operation print
 * `Error while executing topic command : <message>` on stdout and exit 1; argument errors go
 * to stderr.
 */
import { CreatePartitions } from '../protocol/generated/create-partitions.js'
import { CreateTopics } from '../protocol/generated/create-topics.js'
import { DeleteTopics } from '../protocol/generated/delete-topics.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { isUuid, ZERO_UUID } from '../protocol/primitives/uuid.js'
import { adminSettings } from './client/client-config.js'
import { ToolClient } from './client/tool-client.js'
import { ConnectionError, KafkaResponseError, ToolError } from './client/tool-error.js'
import { isInternalTopic, listTopics, topicMatcher } from './client/topic-metadata.js'
import { parseToolArgs, UsageError } from './tool-args.js'
import type { OptionSpecs, ParsedArgs } from './tool-args.js'
import type { Tool, ToolIO } from './tool.js'
import { describeTopics } from './topics-describe.js'

const options: OptionSpecs = {
  'bootstrap-server': { kind: 'value', description: 'REQUIRED: The Kafka server to connect to.', argName: 'server to connect to' },
  'command-config': { kind: 'value', description: 'Property file containing configs to be passed to Admin Client.' },
  list: { kind: 'flag', description: 'List all available topics.' },
  create: { kind: 'flag', description: 'Create a new topic.' },
  delete: { kind: 'flag', description: 'Delete a topic.' },
  alter: { kind: 'flag', description: 'Alter the number of partitions and replica assignment.' },
  describe: { kind: 'flag', description: 'List details for the given topics.' },
  topic: { kind: 'value', description: 'The topic to create, alter, describe or delete. It also accepts a regular expression, except for --create option.' },
  'topic-id': { kind: 'value', description: 'The topic-id to describe.' },
  config: { kind: 'value', description: 'A topic configuration override for the topic being created.', argName: 'name=value' },
  partitions: { kind: 'value', description: 'The number of partitions for the topic being created or altered.', argName: '# of partitions' },
  'replication-factor': { kind: 'value', description: 'The replication factor for each partition in the topic being created.' },
  'replica-assignment': { kind: 'value', description: 'A list of manual partition-to-broker assignments for the topic being created or altered.' },
  'under-replicated-partitions': { kind: 'flag', description: 'If set when describing topics, only show under-replicated partitions.' },
  'unavailable-partitions': { kind: 'flag', description: 'If set when describing topics, only show partitions whose leader is not available.' },
  'under-min-isr-partitions': { kind: 'flag', description: 'If set when describing topics, only show partitions whose isr count is less than the configured minimum.' },
  'at-min-isr-partitions': { kind: 'flag', description: 'If set when describing topics, only show partitions whose isr count is equal to the configured minimum.' },
  'topics-with-overrides': { kind: 'flag', description: 'If set when describing topics, only show topics that have overridden configs.' },
  'if-exists': { kind: 'flag', description: 'If set when altering or deleting or describing topics, the action will only execute if the topic exists.' },
  'if-not-exists': { kind: 'flag', description: 'If set when creating topics, the create request will not fail if the topic already exists.' },
  'exclude-internal': { kind: 'flag', description: 'Exclude internal topics when listing or describing topics. By default, the internal topics are included.' },
  'partition-size-limit-per-response': { kind: 'value', description: 'The maximum partition size to be included in one DescribeTopicPartitions response.' },
  version: { kind: 'flag', description: 'Display Kafka version.' },
}

const ACTIONS = ['create', 'list', 'alter', 'describe', 'delete'] as const

async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  if (argv.length === 0) throw new UsageError('Create, delete, describe, or change a topic.')
  const args = parseToolArgs(argv, options)
  const actions = ACTIONS.filter((a) => args.has(a))
  if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --create, --alter or --delete')
  checkArgs(args)
  const bootstrap = args.value('bootstrap-server')
  if (bootstrap === undefined) {
    io.stderr('--bootstrap-server must be specified\n')
    return 1
  }
  const admin = await adminSettings(args.value('command-config'), 'adminclient-1', (line) => io.stderr(`${line}\n`))
  const client = await ToolClient.connect(bootstrap, admin.clientId, admin.requestTimeoutMs)
  try {
    switch (actions[0]) {
      case 'create':
        await createTopic(client, args, io)
        break
      case 'list':
        await listTopicNames(client, args, io)
        break
      case 'describe':
        await describeTopics(client, args, io, args.has('topic-id') && args.value('topic-id')?.trim() !== ZERO_UUID ? await topicById(client, args, io) : await selectTopics(client, args))
        break
      case 'alter':
        await alterTopic(client, args)
        break
      case 'delete':
        await deleteTopics(client, args)
        break
    }
    return 0
  } catch (err) {
    if (err instanceof ConnectionError || err instanceof UsageError) throw err
    if (err instanceof IllegalArgument) {
      io.stderr(`${err.message}\n`)
      return 1
    }
    io.stdout(`Error while executing topic command : ${(err as Error).message}\n`)
    return 1
  } finally {
    await client.close()
  }
}

/** Kafka's IllegalArgumentException: message on stderr, exit 1. */
class IllegalArgument extends ToolError {}

function checkArgs(args: ParsedArgs): void {
  const notWith = (option: string, allowed: readonly string[]): void => {
    if (!args.has(option)) return
    const bad = ACTIONS.filter((a) => !allowed.includes(a) && args.has(a))
    if (bad.length > 0) throw new UsageError(`Option "[${option}]" can't be used with option "[${bad.join('], [')}]"`)
  }
  if (!args.has('list') && !args.has('describe') && !args.has('topic')) throw new UsageError('Missing required argument "[topic]"')
  if (args.has('alter')) {
    if (args.has('config')) throw new UsageError('Option "[config]" can\'t be used with option "[alter]" (To alter topic configurations, the kafka-configs tool can be used.)')
    if (!args.has('partitions')) throw new UsageError('Missing required argument "[partitions]"')
  }
  notWith('topic-id', ['describe'])
  notWith('config', ['create'])
  notWith('partitions', ['alter', 'create'])
  notWith('replication-factor', ['create'])
  notWith('replica-assignment', ['alter', 'create'])
  notWith('if-exists', ['alter', 'delete', 'describe'])
  notWith('if-not-exists', ['create'])
  notWith('exclude-internal', ['list', 'describe'])
  for (const report of ['under-replicated-partitions', 'unavailable-partitions', 'under-min-isr-partitions', 'at-min-isr-partitions', 'topics-with-overrides']) {
    notWith(report, ['describe'])
  }
  if (args.has('create') && args.has('replica-assignment') && (args.has('partitions') || args.has('replication-factor'))) {
    throw new UsageError('Option "[replica-assignment]" can\'t be used with option "[partitions], [replication-factor]"')
  }
}

/** The sorted topic names the command applies to (TopicService.getTopics). */
async function matchingTopics(client: ToolClient, args: ParsedArgs): Promise<string[]> {
  const excludeInternal = args.has('exclude-internal')
  const names = (await listTopics(client, !excludeInternal)).map((t) => t.name as string)
  const include = args.value('topic')
  if (include === undefined) return names
  const matches = topicMatcher(include)
  return names.filter((n) => matches(n) && !(excludeInternal && isInternalTopic(n)))
}

/** Matching topics; a named topic that matches nothing is an error unless --if-exists. */
async function selectTopics(client: ToolClient, args: ParsedArgs): Promise<string[]> {
  const topics = await matchingTopics(client, args)
  const requested = args.value('topic')
  if (requested !== undefined && requested !== '' && !args.has('if-exists') && topics.length === 0) {
    throw new IllegalArgument(`Topic '${requested}' does not exist as expected`)
  }
  return topics
}

/**
 * The topic --topic-id names (it wins over --topic, as in TopicCommand): looked up among the
 * listed topics, so --exclude-internal and --if-exists apply as they do to names.
 */
async function topicById(client: ToolClient, args: ParsedArgs, io: ToolIO): Promise<string[]> {
  const id = (args.value('topic-id') as string).trim()
  if (!isUuid(id)) throw new IllegalArgument(`Input string \`${id}\` is not a base64-encoded UUID of 16 bytes`)
  if (args.has('topic') && args.has('if-exists')) io.stdout('Only topic id will be used when both --topic and --topic-id are specified and topicId is not Uuid.ZERO_UUID\n')
  const found = (await listTopics(client, !args.has('exclude-internal'))).find((t) => t.topicId === id)
  if (found === undefined && !args.has('if-exists')) throw new IllegalArgument(`TopicId '${id}' does not exist as expected`)
  return found === undefined ? [] : [found.name as string]
}

async function listTopicNames(client: ToolClient, args: ParsedArgs, io: ToolIO): Promise<void> {
  io.stdout(`${(await matchingTopics(client, args)).join('\n')}\n`)
}

async function createTopic(client: ToolClient, args: ParsedArgs, io: ToolIO): Promise<void> {
  const name = args.value('topic') as string
  const configs = parseTopicConfigs(args.values('config'))
  const partitions = args.int('partitions')
  const replicationFactor = args.int('replication-factor')
  const assignment = args.value('replica-assignment')
  if (name.includes('.') || name.includes('_')) {
    io.stdout("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n")
  }
  if (replicationFactor !== undefined && (replicationFactor > 32767 || replicationFactor < 1)) {
    throw new IllegalArgument('The replication factor must be between 1 and 32767 inclusive')
  }
  if (partitions !== undefined && partitions < 1) throw new IllegalArgument('The partitions must be greater than 0')
  const assignments = assignment ? parseReplicaAssignment(assignment) : []
  const response = await client.send(CreateTopics, {
    topics: [
      {
        name,
        numPartitions: assignments.length > 0 ? -1 : (partitions ?? -1),
        replicationFactor: assignments.length > 0 ? -1 : (replicationFactor ?? -1),
        assignments: assignments.map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })),
        configs: [...configs].map(([k, value]) => ({ name: k, value })),
      },
    ],
    timeoutMs: 30_000,
    validateOnly: false,
  })
  const result = response.topics[0]
  if (result === undefined) throw new ToolError(`No result for topic ${name}`)
  if (result.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && args.has('if-not-exists')) return
  if (result.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(result.errorCode, result.errorMessage)
  io.stdout(`Created topic ${name}.\n`)
}

function parseTopicConfigs(pairs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const pair of pairs) {
    const parts = pair.split(/\s*=\s*/)
    if (parts.length !== 2) {
      throw new IllegalArgument('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".')
    }
    out.set((parts[0] as string).trim(), (parts[1] as string).trim())
  }
  return out
}

function parseReplicaAssignment(list: string): number[][] {
  const out = list.split(',').map((p) => p.split(':').map((b) => Number(b.trim())))
  out.forEach((brokers, i) => {
    if (brokers.some((b) => !Number.isInteger(b))) throw new IllegalArgument(`For input string: "${list}"`)
    const dup = brokers.filter((b, j) => brokers.indexOf(b) !== j)
    if (dup.length > 0) throw new ToolError(`Partition replica lists may not contain duplicate entries: ${dup.join(',')}`)
    if (brokers.length !== (out[0] as number[]).length) throw new ToolError(`Partition ${i} has different replication factor: [${brokers.join(', ')}]`)
  })
  return out
}

async function alterTopic(client: ToolClient, args: ParsedArgs): Promise<void> {
  const topics = await selectTopics(client, args)
  if (topics.length === 0) return
  const count = args.int('partitions') as number
  const assignment = args.value('replica-assignment')
  const response = await client.send(CreatePartitions, {
    topics: topics.map((name) => ({
      name,
      count,
      assignments: assignment ? parseReplicaAssignment(assignment).map((brokerIds) => ({ brokerIds })) : null,
    })),
    timeoutMs: 30_000,
    validateOnly: false,
  })
  const failed = response.results.find((r) => r.errorCode !== ErrorCode.NONE)
  if (failed) throw new KafkaResponseError(failed.errorCode, failed.errorMessage)
}

async function deleteTopics(client: ToolClient, args: ParsedArgs): Promise<void> {
  const topics = await selectTopics(client, args)
  if (topics.length === 0) return
  const response = await client.send(DeleteTopics, {
    topics: topics.map((name) => ({ name, topicId: ZERO_UUID })),
    topicNames: topics,
    timeoutMs: 30_000,
  })
  const failed = response.responses.find((r) => r.errorCode !== ErrorCode.NONE)
  if (failed) throw new KafkaResponseError(failed.errorCode, failed.errorMessage)
}

export const topicsTool: Tool = {
  name: 'topics',
  kafkaName: 'kafka-topics',
  description: 'This tool helps to create, delete, describe, or change a topic.',
  options,
  main,
}
