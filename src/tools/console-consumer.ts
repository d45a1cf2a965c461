/**
 * kafka-console-consumer: prints records with DefaultMessageFormatter. With --group it joins a
 * classic consumer group (range assignor), starts from committed offsets and auto-commits;
 * with --partition it reads that partition from --offset; otherwise it reads every partition
 * of the topic directly, without a group. Ends after --max-messages, after --timeout-ms with no
 * message, or on SIGINT/SIGTERM, printing "Processed a total of N messages" on stderr.
 */
import { fetchCommitted, EARLIEST, LATEST } from './client/group-offsets.js'
import type { TopicPartition } from './client/group-offsets.js'
import { ToolClient } from './client/tool-client.js'
import { boolProp, clientProps, intProp } from './client/client-config.js'
import { log4jLine } from './client/log4j.js'
import { ToolError } from './client/tool-error.js'
import { listTopics, topicMatcher } from './client/topic-metadata.js'
import { Fetcher } from './consumer/fetcher.js'
import type { ResetPolicy } from './consumer/fetcher.js'
import { GroupMember } from './consumer/group-member.js'
import { SerializationError } from './consumer/deserializers.js'
import type { ConsumedRecord } from './consumer/fetched-records.js'
import { formatRecord, formatterConfig } from './consumer/message-formatter.js'
import { consumerOptions } from './console-consumer-options.js'
import { parseKeyValues, parseToolArgs, UsageError } from './tool-args.js'
import type { ParsedArgs } from './tool-args.js'
import type { Tool, ToolIO } from './tool.js'

const CONSOLE_CONSUMER = 'org.apache.kafka.tools.consumer.ConsoleConsumer'
const JAVA_SERIALIZATION_EXCEPTION = 'org.apache.kafka.common.errors.SerializationException'
const DEFAULT_FORMATTER = 'org.apache.kafka.tools.consumer.DefaultMessageFormatter'
const NOOP_FORMATTER = 'org.apache.kafka.tools.consumer.NoOpMessageFormatter'
const LEGACY_FORMATTERS: Readonly<Record<string, string>> = {
  'kafka.tools.DefaultMessageFormatter': DEFAULT_FORMATTER,
  'kafka.tools.NoOpMessageFormatter': NOOP_FORMATTER,
}
const RANGE_ASSIGNORS = ['org.apache.kafka.clients.consumer.RangeAssignor', 'range']

/**
 * Consumer keys the console consumer applies. key/value.deserializer are overridden with
 * ByteArrayDeserializer, as ConsoleConsumer does; max.poll.records only sizes the Java
 * consumer's poll batches, which print the same.
 */
const CONSUMER_KEYS = [
  'group.id',
  'group.protocol',
  'partition.assignment.strategy',
  'auto.offset.reset',
  'isolation.level',
  'enable.auto.commit',
  'auto.commit.interval.ms',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'max.poll.interval.ms',
  'fetch.max.bytes',
  'max.partition.fetch.bytes',
  'fetch.min.bytes',
  'fetch.max.wait.ms',
  'max.poll.records',
  'key.deserializer',
  'value.deserializer',
]

interface Plan {
  readonly topics: readonly string[]
  readonly partition: number | undefined
  /** EARLIEST, LATEST or an offset, for --partition. */
  readonly offset: bigint
  readonly groupId: string | undefined
}

async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const args = parseToolArgs(argv, consumerOptions)
  if (args.has('enable-systest-events')) throw new ToolError("--enable-systest-events is not supported: Brook's console consumer does not print Kafka's system-test events")
  const formatterName = checkFormatter(args.value('formatter'), io)
  const props = await consumerProps(args, io)
  const plan = checkArgs(args, props)
  const formatterProps = parseKeyValues([...args.values('property'), ...args.values('formatter-property')])
  const keyDeserializer = args.value('key-deserializer')
  const valueDeserializer = args.value('value-deserializer')
  if (keyDeserializer !== undefined) formatterProps.set('key.deserializer', keyDeserializer)
  if (valueDeserializer !== undefined) formatterProps.set('value.deserializer', valueDeserializer)
  const formatter = formatterConfig(formatterProps)
  const print = formatterName === 'noop' ? (): void => {} : (record: ConsumedRecord): void => io.stdout(formatRecord(record, formatter))
  const skipOnError = args.has('skip-message-on-error')
  const resetPolicy = resetPolicyOf(args, props)
  const isolation = args.value('isolation-level') ?? props.get('isolation.level') ?? 'read_uncommitted'
  if (isolation !== 'read_uncommitted' && isolation !== 'read_committed') {
    throw new ToolError(`Invalid value ${isolation} for configuration isolation.level: String must be one of: read_committed, read_uncommitted`)
  }
  const maxMessages = args.int('max-messages') ?? -1
  const timeoutArg = args.int('timeout-ms') ?? -1
  const timeoutMs = timeoutArg >= 0 ? timeoutArg : Infinity

  const client = await ToolClient.connect(args.value('bootstrap-server') as string, props.get('client.id') ?? 'console-consumer')
  const fetcher = new Fetcher(client, {
    isolationLevel: isolation === 'read_committed' ? 1 : 0,
    resetPolicy,
    maxBytes: intProp(props, 'fetch.max.bytes', 52428800),
    partitionMaxBytes: intProp(props, 'max.partition.fetch.bytes', 1048576),
    minBytes: intProp(props, 'fetch.min.bytes', 1),
  })
  const fetchMaxWaitMs = intProp(props, 'fetch.max.wait.ms', 500)
  const include = includeOf(args)
  const topics = include !== undefined ? await matchingTopics(client, include) : plan.topics
  const member =
    plan.groupId === undefined
      ? undefined
      : new GroupMember(client, {
          groupId: plan.groupId,
          topics,
          sessionTimeoutMs: intProp(props, 'session.timeout.ms', 45000),
          rebalanceTimeoutMs: intProp(props, 'max.poll.interval.ms', 300000),
          heartbeatIntervalMs: intProp(props, 'heartbeat.interval.ms', 3000),
        })
  const autoCommit = member !== undefined && boolProp(props, 'enable.auto.commit', true)
  const autoCommitIntervalMs = intProp(props, 'auto.commit.interval.ms', 5000)
  const commit = async (): Promise<void> => {
    if (member && autoCommit) await member.commit([...fetcher.positions().values()].map(({ tp, offset }) => ({ ...tp, offset: BigInt(offset) })))
  }

  let count = 0
  let failure: SerializationError | undefined
  try {
    if (member === undefined) await assignDirectly(fetcher, client, plan, topics, timeoutMs)
    let lastMessage = Date.now()
    let lastCommit = Date.now()
    while ((maxMessages < 0 || count < maxMessages) && !io.signal.aborted) {
      if (member?.needsRejoin) {
        await commit()
        const assigned = await member.join()
        await fetcher.assign(assigned, await committedOffsets(client, member, plan.groupId as string, assigned))
      }
      const remaining = timeoutMs - (Date.now() - lastMessage)
      if (remaining <= 0) {
        io.stderr(`${log4jLine('ERROR', 'Error processing message, terminating consumer process: ', CONSOLE_CONSUMER)}\norg.apache.kafka.common.errors.TimeoutException\n`)
        break
      }
      const records = await fetcher.poll(Math.min(fetchMaxWaitMs, remaining))
      for (const record of records) {
        if (maxMessages >= 0 && count >= maxMessages) break
        fetcher.consumed(record)
        count++
        lastMessage = Date.now()
        try {
          print(record)
        } catch (err) {
          if (!(err instanceof SerializationError)) throw err
          if (!skipOnError) {
            failure = err
            break
          }
          io.stderr(`${log4jLine('ERROR', 'Error processing message, skipping this message: ', CONSOLE_CONSUMER)}\n${JAVA_SERIALIZATION_EXCEPTION}: ${err.message}\n`)
        }
      }
      if (failure) break
      if (autoCommit && Date.now() - lastCommit >= autoCommitIntervalMs) {
        await commit()
        lastCommit = Date.now()
      }
    }
    await commit()
    await member?.leave()
  } finally {
    if (failure) io.stderr(`${log4jLine('ERROR', 'Unknown error when running consumer: ', CONSOLE_CONSUMER)}\n${JAVA_SERIALIZATION_EXCEPTION}: ${failure.message}\n`)
    io.stderr(`Processed a total of ${count} messages\n`)
    await client.close()
  }
  return failure ? 1 : 0
}

/** The file (--consumer.config or --command-config) under --consumer-property pairs, checked. */
async function consumerProps(args: ParsedArgs, io: ToolIO): Promise<Map<string, string>> {
  if (args.has('consumer.config') && args.has('command-config')) throw new UsageError('Options consumer.config and command-config cannot be specified together.')
  const props = await clientProps(
    'consumer',
    args.value('command-config') ?? args.value('consumer.config'),
    parseKeyValues([...args.values('consumer-property'), ...args.values('command-property')]),
    CONSUMER_KEYS,
    (line) => io.stderr(`${line}\n`),
  )
  const protocol = (props.get('group.protocol') ?? 'classic').trim().toLowerCase()
  if (protocol !== 'classic') throw new ToolError(`group.protocol=${protocol} is not supported: Brook's console consumer joins groups with the classic protocol`)
  const assignors = props.get('partition.assignment.strategy')
  if (assignors !== undefined && !assignors.split(',').some((a) => RANGE_ASSIGNORS.includes(a.trim()))) {
    throw new ToolError(`partition.assignment.strategy=${assignors} is not supported: Brook's console consumer assigns with ${RANGE_ASSIGNORS[0]}`)
  }
  return props
}

/** 'default' or 'noop'; refuses other formatter classes, and warns for the pre-3.8 names as Kafka does. */
function checkFormatter(name: string | undefined, io: ToolIO): 'default' | 'noop' {
  if (name === undefined || name === DEFAULT_FORMATTER) return 'default'
  if (name === NOOP_FORMATTER) return 'noop'
  const current = LEGACY_FORMATTERS[name]
  if (current !== undefined) {
    io.stderr(`WARN: ${name} is deprecated and will be removed in the next major release. Please use ${current} instead\n`)
    return current === NOOP_FORMATTER ? 'noop' : 'default'
  }
  throw new ToolError(`--formatter ${name} is not supported: Brook's console consumer has ${DEFAULT_FORMATTER} and ${NOOP_FORMATTER}`)
}

function checkArgs(args: ParsedArgs, props: ReadonlyMap<string, string>): Plan {
  if (args.has('topic') === (includeOf(args) !== undefined)) throw new UsageError('Exactly one of these options is required: [topic], [include]')
  const partition = args.int('partition')
  if (partition !== undefined) {
    if (!args.has('topic')) throw new UsageError('The topic is required when partition is specified.')
    if (args.has('from-beginning') && args.has('offset')) throw new UsageError('Options from-beginning and offset cannot be specified together.')
  } else if (args.has('offset')) {
    throw new UsageError('The partition is required when offset is specified.')
  }
  if (!args.has('bootstrap-server')) throw new UsageError('Missing required argument "[bootstrap-server]"')
  const groupIds = new Set([args.value('group'), props.get('group.id')].filter((g): g is string => g !== undefined))
  if (groupIds.size > 1) {
    throw new UsageError(
      `The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: ${[...groupIds].map((g) => `'${g}'`).join(', ')}`,
    )
  }
  if (groupIds.size > 0 && partition !== undefined) throw new UsageError('Options group and partition cannot be specified together.')
  return { topics: args.has('topic') ? [args.value('topic') as string] : [], partition, offset: offsetOf(args), groupId: [...groupIds][0] }
}

function includeOf(args: ParsedArgs): string | undefined {
  return args.value('include') ?? args.value('whitelist')
}

function offsetOf(args: ParsedArgs): bigint {
  const raw = args.value('offset')
  if (raw === undefined) return args.has('from-beginning') ? EARLIEST : LATEST
  const lower = raw.toLowerCase()
  if (lower === 'earliest') return EARLIEST
  if (lower === 'latest') return LATEST
  if (!/^\d+$/.test(raw)) throw new UsageError(`The provided offset value '${raw}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`)
  return BigInt(raw)
}

function resetPolicyOf(args: ParsedArgs, props: ReadonlyMap<string, string>): ResetPolicy {
  const configured = props.get('auto.offset.reset')
  if (configured !== undefined) {
    if (args.has('from-beginning') && configured !== 'earliest') {
      throw new ToolError(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${configured}', please remove one option`)
    }
    if (configured !== 'earliest' && configured !== 'latest' && configured !== 'none') {
      throw new ToolError(`Invalid value ${configured} for configuration auto.offset.reset: Invalid value \`${configured}\` for configuration auto.offset.reset`)
    }
    return configured
  }
  return args.has('from-beginning') ? 'earliest' : 'latest'
}

async function matchingTopics(client: ToolClient, include: string): Promise<string[]> {
  const matches = topicMatcher(include)
  return (await listTopics(client, false)).map((t) => t.name as string).filter(matches)
}

/** Without a group: the one --partition, or every partition of the topics once they exist. */
async function assignDirectly(fetcher: Fetcher, client: ToolClient, plan: Plan, topics: readonly string[], timeoutMs: number): Promise<void> {
  if (plan.partition !== undefined) {
    const tp = { topic: topics[0] as string, partition: plan.partition }
    const start = plan.offset >= 0n ? new Map([[`${tp.topic}-${tp.partition}`, plan.offset]]) : new Map<string, bigint>()
    await fetcher.assign([tp], start)
    if (plan.offset < 0n) await fetcher.seekTo(plan.offset)
    return
  }
  const deadline = Date.now() + Math.min(timeoutMs, 60_000)
  for (;;) {
    const md = await client.metadata([...topics], true)
    const ready = md.topics.filter((t) => t.errorCode === 0 && t.partitions.every((p) => p.leaderId >= 0))
    if (ready.length === topics.length || Date.now() >= deadline) {
      const partitions: TopicPartition[] = ready.flatMap((t) => t.partitions.map((p) => ({ topic: t.name as string, partition: p.partitionIndex })))
      await fetcher.assign(partitions)
      return
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function committedOffsets(client: ToolClient, member: GroupMember, groupId: string, assigned: readonly TopicPartition[]): Promise<Map<string, bigint>> {
  const committed = await fetchCommitted(client, member.coordinator, groupId, assigned)
  return new Map([...committed].map(([key, { offset }]) => [key, offset]))
}

export const consoleConsumerTool: Tool = {
  name: 'console-consumer',
  kafkaName: 'kafka-console-consumer',
  description: 'This tool helps to read data from Kafka topics and outputs it to standard output.',
  options: consumerOptions,
  main,
}
