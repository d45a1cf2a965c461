/**
 * kafka-configs: describe and alter the configs of topics, brokers (one or the cluster-wide
 * default) and broker loggers through DescribeConfigs and IncrementalAlterConfigs, printing
 * what ConfigCommand prints. Argument and config errors go to stderr with exit 1; a failed
 * request prints ConfigCommand's "Error while executing config command" line and the cause.
 */
import { readFile } from 'node:fs/promises'
import { parseProperties } from '../config/properties.js'
import { DescribeConfigs } from '../protocol/generated/describe-configs.js'
import type { DescribeConfigsResourceResult } from '../protocol/generated/describe-configs.js'
import { IncrementalAlterConfigs } from '../protocol/generated/incremental-alter-configs.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { adminSettings } from './client/client-config.js'
import { ToolClient } from './client/tool-client.js'
import { ConnectionError, KafkaResponseError, ToolError } from './client/tool-error.js'
import { listTopics } from './client/topic-metadata.js'
import { parseToolArgs, UsageError } from './tool-args.js'
import type { OptionSpecs, ParsedArgs } from './tool-args.js'
import type { Tool, ToolIO } from './tool.js'

const options: OptionSpecs = {
  'bootstrap-server': { kind: 'value', description: 'The Kafka servers to connect to.', argName: 'server to connect to' },
  'command-config': { kind: 'value', description: 'Property file containing configs to be passed to Admin Client.' },
  describe: { kind: 'flag', description: 'List configs for the given entity.' },
  alter: { kind: 'flag', description: 'Alter the configuration for the entity.' },
  'entity-type': { kind: 'value', description: 'Type of entity (topics/clients/users/brokers/broker-loggers/ips/client-metrics/groups)' },
  'entity-name': { kind: 'value', description: 'Name of entity (topic name/client id/user principal name/broker id/ip/client metrics/group id)' },
  'entity-default': { kind: 'flag', description: 'Default entity name for clients/users/brokers/ips (applies to corresponding entity type)' },
  topic: { kind: 'value', description: "The topic's name. Same as '--entity-type topics --entity-name <topic>'" },
  broker: { kind: 'value', description: "The broker's ID. Same as '--entity-type brokers --entity-name <broker>'" },
  'broker-defaults': { kind: 'flag', description: "The config defaults for all brokers. Same as '--entity-type brokers --entity-default'" },
  'broker-logger': { kind: 'value', description: "The broker's ID for its logger config. Same as '--entity-type broker-loggers --entity-name <broker>'" },
  'add-config': { kind: 'value', description: "Key Value pairs of configs to add. Square brackets can be used to group values which contain commas: 'k1=v1,k2=[v1,v2,v2],k3=v3'." },
  'add-config-file': { kind: 'value', description: 'Path to a properties file with configs to add.' },
  'delete-config': { kind: 'value', description: 'config keys to remove \'k1,k2\'' },
  all: { kind: 'flag', description: 'List all configs for the given entity, including static configs if available.' },
  version: { kind: 'flag', description: 'Display Kafka version.' },
}

/** ConfigResource.Type ids and the ConfigSource each entity type's "Dynamic" view shows. */
const ENTITY_TYPES = {
  topics: { resourceType: 2, dynamicSource: 1 },
  brokers: { resourceType: 4, dynamicSource: 2 },
  'broker-loggers': { resourceType: 8, dynamicSource: undefined },
} as const
type EntityType = keyof typeof ENTITY_TYPES
const BROKER_DEFAULT_SOURCE = 3

/** ConfigEntry.ConfigSource names by wire id. */
const SOURCE_NAMES = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'DYNAMIC_CLIENT_METRICS_CONFIG',
  'DYNAMIC_GROUP_CONFIG',
]

/** Kafka's IllegalArgumentException / InvalidConfigurationException: message on stderr, exit 1. */
class IllegalArgument extends ToolError {}

interface Entity {
  readonly type: EntityType
  /** '' is the cluster-wide default broker entity. */
  readonly name: string | undefined
}

async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const args = parseToolArgs(argv, options)
  const entity = entityOf(args)
  const client = await connect(args, io)
  try {
    if (args.has('describe')) await describe(client, entity, args.has('all'), io)
    else await alter(client, entity, args, io)
    return 0
  } catch (err) {
    if (err instanceof ConnectionError) throw err
    if (err instanceof IllegalArgument) {
      io.stderr(`${err.message}\n`)
      return 1
    }
    io.stderr(`Error while executing config command with args '${argv.join(' ')}'\n${describeError(err)}\n`)
    return 1
  } finally {
    await client.close()
  }
}

function describeError(err: unknown): string {
  if (err instanceof KafkaResponseError) return `${err.message}`
  return err instanceof Error ? err.message : String(err)
}

async function connect(args: ParsedArgs, io: ToolIO): Promise<ToolClient> {
  const bootstrap = args.value('bootstrap-server')
  if (bootstrap === undefined) throw new UsageError('One of the required --bootstrap-server or --bootstrap-controller arguments must be specified')
  const admin = await adminSettings(args.value('command-config'), 'adminclient-1', (line) => io.stderr(`${line}\n`))
  return ToolClient.connect(bootstrap, admin.clientId, admin.requestTimeoutMs)
}

function entityOf(args: ParsedArgs): Entity {
  const actions = ['describe', 'alter'].filter((a) => args.has(a))
  if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --describe, --alter')
  let type: string | undefined
  let name: string | undefined
  if (args.has('topic')) [type, name] = ['topics', args.value('topic')]
  else if (args.has('broker')) [type, name] = ['brokers', args.value('broker')]
  else if (args.has('broker-defaults')) [type, name] = ['brokers', '']
  else if (args.has('broker-logger')) [type, name] = ['broker-loggers', args.value('broker-logger')]
  else {
    type = args.value('entity-type')
    name = args.has('entity-default') ? '' : args.value('entity-name')
  }
  if (type === undefined) throw new UsageError('--entity-type must be specified')
  if (!(type in ENTITY_TYPES)) {
    const known = ['topics', 'clients', 'users', 'brokers', 'broker-loggers', 'ips', 'client-metrics', 'groups']
    if (known.includes(type)) throw new ToolError(`Entity type ${type} is not supported by this tool against Brook`)
    throw new UsageError(`Invalid entity type ${type}, the entity type must be one of ${known.join(', ')}`)
  }
  const entityType = type as EntityType
  if (name === '' && entityType !== 'brokers') throw new UsageError(`--entity-default is not supported for ${entityType}`)
  if (args.has('alter')) {
    if (name === undefined) throw new UsageError(`an entity name must be specified with --alter of ${entityType}`)
    if (!args.has('add-config') && !args.has('add-config-file') && !args.has('delete-config')) {
      throw new UsageError('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter')
    }
  } else if (args.has('add-config') || args.has('delete-config')) {
    throw new UsageError('Option "[add-config], [delete-config]" can only be used with option "[alter]"')
  }
  if ((entityType === 'brokers' || entityType === 'broker-loggers') && name !== undefined && name !== '' && !/^-?\d+$/.test(name)) {
    throw new IllegalArgument(`The entity name for ${entityType} must be a valid integer broker id, found: ${name}`)
  }
  return { type: entityType, name }
}

async function describe(client: ToolClient, entity: Entity, describeAll: boolean, io: ToolIO): Promise<void> {
  let names: string[]
  if (entity.name !== undefined) names = [entity.name]
  else if (entity.type === 'topics') names = (await listTopics(client, true)).map((t) => t.name as string)
  else {
    await client.metadata([])
    names = client.brokers.map((b) => String(b.nodeId))
    if (entity.type === 'brokers') names.push('')
  }
  for (const name of names) {
    if (name === '') io.stdout(`Default configs for ${entity.type} in the cluster are:\n`)
    else io.stdout(`${describeAll ? 'All' : 'Dynamic'} configs for ${entity.type.slice(0, -1)} ${name} are:\n`)
    for (const entry of await resourceConfigs(client, entity.type, name, true, describeAll)) {
      const synonyms = entry.synonyms.map((s) => `${SOURCE_NAMES[s.source] ?? 'UNKNOWN'}:${s.name}=${s.value}`).join(', ')
      io.stdout(`  ${entry.name}=${entry.value} sensitive=${entry.isSensitive} synonyms={${synonyms}}\n`)
    }
  }
}

/** One resource's entries, sorted by name; only the entity's dynamic ones unless `all`. */
async function resourceConfigs(client: ToolClient, type: EntityType, name: string, includeSynonyms: boolean, all: boolean): Promise<DescribeConfigsResourceResult[]> {
  const { resourceType, dynamicSource } = ENTITY_TYPES[type]
  const response = await client.send(DescribeConfigs, {
    resources: [{ resourceType, resourceName: name, configurationKeys: null }],
    includeSynonyms,
    includeDocumentation: false,
  })
  const result = response.results[0]
  if (result === undefined) throw new ToolError(`No result for ${type} ${name}`)
  if (result.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(result.errorCode, result.errorMessage)
  const source = name === '' ? BROKER_DEFAULT_SOURCE : dynamicSource
  return result.configs
    .filter((e) => all || source === undefined || e.configSource === source)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

async function alter(client: ToolClient, entity: Entity, args: ParsedArgs, io: ToolIO): Promise<void> {
  const name = entity.name as string
  const toAdd = await parseConfigsToAdd(args)
  const toDelete = args.values('delete-config').flatMap((v) => v.split(',')).map((k) => k.trim())
  if (entity.type !== 'broker-loggers') {
    const current = new Set((await resourceConfigs(client, entity.type, name, false, false)).map((e) => e.name))
    const invalid = toDelete.filter((k) => !current.has(k))
    if (invalid.length > 0) throw new IllegalArgument(`Invalid config(s): ${invalid.join(',')}`)
  }
  const response = await client.send(IncrementalAlterConfigs, {
    resources: [
      {
        resourceType: ENTITY_TYPES[entity.type].resourceType,
        resourceName: name,
        configs: [
          ...[...toAdd].map(([key, value]) => ({ name: key, configOperation: 0, value })),
          ...toDelete.map((key) => ({ name: key, configOperation: 1, value: null })),
        ],
      },
    ],
    validateOnly: false,
  })
  const result = response.responses[0]
  if (result !== undefined && result.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(result.errorCode, result.errorMessage)
  if (name !== '') io.stdout(`Completed updating config for ${entity.type.slice(0, -1)} ${name}.\n`)
  else io.stdout(`Completed updating default config for ${entity.type} in the cluster.\n`)
}

/** `k1=v1,k2=[a,b]`: commas inside square brackets stay in the value, the brackets go. */
export async function parseConfigsToAdd(args: ParsedArgs): Promise<Map<string, string>> {
  const file = args.value('add-config-file')
  const out = new Map<string, string>(file === undefined ? [] : parseProperties(await readFile(file, 'utf8')))
  const raw = args.value('add-config')
  if (raw === undefined) return out
  for (const pair of raw.split(/,(?=[^\]]*(?:\[|$))/)) {
    const kv = pair.split(/\s*=\s*(?=[^\]]*(?:\[|$))/)
    if (kv.length !== 2) {
      throw new IllegalArgument('requirement failed: Invalid entity config: all configs to be added must be in the format "key=val" or "key=[val1,val2]".')
    }
    out.set((kv[0] as string).trim(), (kv[1] as string).replace(/\[?\]?/g, '').trim())
  }
  return out
}

export const configsTool: Tool = {
  name: 'configs',
  kafkaName: 'kafka-configs',
  description: 'This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip, client-metrics or group',
  options,
  main,
}
