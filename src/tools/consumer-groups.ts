/**
 * kafka-consumer-groups: list, describe (offsets, --members, --state), delete, and reset the
 * offsets of consumer groups, printing what ConsumerGroupCommand prints. Like Kafka's tool,
 * failures of the command print `Error: ...` on stdout; usage errors go to stderr with exit 1.
 */
import { DeleteGroups } from '../protocol/generated/delete-groups.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { adminSettings } from './client/client-config.js'
import { ToolClient } from './client/tool-client.js'
import { ConnectionError, defaultMessage } from './client/tool-error.js'
import { deleteOffsets } from './groups/delete-offsets.js'
import { describeGroups } from './groups/describe-groups.js'
import { listConsumerGroups } from './groups/group-info.js'
import { RESET_SCENARIOS, resetOffsets } from './groups/reset-offsets.js'
import { groupOptions } from './consumer-groups-options.js'
import { pad, parseToolArgs, UsageError } from './tool-args.js'
import type { ParsedArgs } from './tool-args.js'
import type { Tool, ToolIO } from './tool.js'

const ACTIONS = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets'] as const

/** Kafka's exception classes for the codes a group deletion meets. */
const EXCEPTIONS: Readonly<Record<number, string>> = {
  [ErrorCode.NON_EMPTY_GROUP]: 'GroupNotEmptyException',
  [ErrorCode.GROUP_ID_NOT_FOUND]: 'GroupIdNotFoundException',
  [ErrorCode.INVALID_GROUP_ID]: 'InvalidGroupIdException',
  [ErrorCode.GROUP_AUTHORIZATION_FAILED]: 'GroupAuthorizationException',
}

async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const args = parseToolArgs(argv, groupOptions)
  const actions = ACTIONS.filter((a) => args.has(a))
  if (actions.length !== 1) throw new UsageError(`Command must include exactly one action: ${ACTIONS.map((a) => `--${a}`).join(', ')}`)
  checkArgs(args)
  const admin = await adminSettings(args.value('command-config'), 'adminclient-1', (line) => io.stderr(`${line}\n`))
  const client = await ToolClient.connect(args.value('bootstrap-server') as string, admin.clientId, args.int('timeout') ?? admin.requestTimeoutMs)
  try {
    const groups = args.has('all-groups') ? (await listConsumerGroups(client)).map((g) => g.groupId) : args.values('group')
    switch (actions[0]) {
      case 'list':
        await list(client, args, io)
        break
      case 'describe': {
        const view = args.has('members') ? 'members' : args.has('state') && !args.has('offsets') ? 'state' : 'offsets'
        await describeGroups(client, groups, view, args.has('verbose'), io)
        break
      }
      case 'delete':
        await deleteGroups(client, groups, io)
        break
      case 'reset-offsets':
        await reset(client, groups, args, io)
        break
      case 'delete-offsets':
        await deleteOffsets(client, args.value('group') as string, args.values('topic'), io)
        break
    }
    return 0
  } catch (err) {
    if (err instanceof ConnectionError || err instanceof UsageError) throw err
    io.stdout(`\nError: Executing consumer group command failed due to ${(err as Error).message}\n`)
    return 0
  } finally {
    await client.close()
  }
}

function checkArgs(args: ParsedArgs): void {
  if (!args.has('bootstrap-server')) throw new UsageError('Missing required argument "[bootstrap-server]"')
  const needsGroup = args.has('describe') || args.has('delete') || args.has('reset-offsets')
  if (needsGroup && !args.has('group') && !args.has('all-groups')) {
    const action = ACTIONS.find((a) => args.has(a))
    throw new UsageError(`Option [${action}] takes one of these options: [all-groups], [group]`)
  }
  if (args.has('delete-offsets') && (args.values('group').length !== 1 || !args.has('topic'))) {
    throw new UsageError('Option [delete-offsets] takes the following options: [group], [topic]')
  }
  if (args.has('reset-offsets')) {
    if (args.has('dry-run') && args.has('execute')) throw new UsageError('Option [reset-offsets] only accepts one of [execute, dry-run]')
    const scenarios = RESET_SCENARIOS.filter((s) => args.has(s))
    if (scenarios.length === 0) throw new UsageError(`Option [reset-offsets] takes one of these options: ${RESET_SCENARIOS.map((s) => `[${s}]`).join(', ')}`)
    if (scenarios.length > 1) throw new UsageError(`Option [${scenarios[0]}] can't be used with option [${scenarios[1]}]`)
    if (args.has('all-topics') && args.has('topic')) throw new UsageError('Option [reset-offsets] takes at most one of these options: [all-topics], [topic]')
  }
}

async function list(client: ToolClient, args: ParsedArgs, io: ToolIO): Promise<void> {
  const groups = await listConsumerGroups(client)
  const includeState = args.has('state')
  const includeType = args.has('type')
  if (!includeState && !includeType) {
    for (const g of groups) io.stdout(`${g.groupId}\n`)
    return
  }
  const states = (args.value('state') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '')
  const types = (args.value('type') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '')
  const shown = groups.filter((g) => (states.length === 0 || states.includes(g.state.toLowerCase())) && (types.length === 0 || types.includes(g.type.toLowerCase())))
  const width = Math.max(15, ...shown.map((g) => g.groupId.length)) + 10
  const row = (id: string, type: string, state: string): string => `${pad(id, width)}${includeType ? ` ${pad(type, 20)}` : ''}${includeState ? ` ${pad(state, 20)}` : ''}\n`
  io.stdout(row('GROUP', 'TYPE', 'STATE'))
  for (const g of shown) io.stdout(row(g.groupId, g.type, g.state))
}

async function deleteGroups(client: ToolClient, groups: readonly string[], io: ToolIO): Promise<void> {
  const succeeded: string[] = []
  const failed: [string, string][] = []
  for (const groupId of groups) {
    const response = await client.send(DeleteGroups, { groupsNames: [groupId] }, { nodeId: await client.findCoordinator(groupId) })
    const code = response.results[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR
    if (code === ErrorCode.NONE) succeeded.push(groupId)
    else failed.push([groupId, `org.apache.kafka.common.errors.${EXCEPTIONS[code] ?? 'KafkaException'}: ${defaultMessage(code)}`])
  }
  const quoted = (list: readonly string[]): string => list.map((g) => `'${g}'`).join(', ')
  if (failed.length === 0) {
    io.stdout(`Deletion of requested consumer groups (${quoted(succeeded)}) was successful.\n`)
    return
  }
  io.stdout('\nError: Deletion of some consumer groups failed:\n')
  for (const [group, error] of failed) io.stdout(`* Group '${group}' could not be deleted due to: ${error}\n`)
  if (succeeded.length > 0) io.stdout(`\nThese consumer groups were deleted successfully: ${quoted(succeeded)}\n`)
}

async function reset(client: ToolClient, groups: readonly string[], args: ParsedArgs, io: ToolIO): Promise<void> {
  if (!args.has('dry-run') && !args.has('execute')) {
    io.stderr(
      'WARN: No action will be performed as the --execute option is missing. In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n',
    )
  }
  const planned = await resetOffsets(client, groups, args, io)
  const sorted = <T extends { topic: string; partition: number }>(list: readonly T[]): T[] =>
    [...list].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
  if (args.has('export')) {
    const single = args.values('group').length === 1
    for (const [group, offsets] of planned) {
      for (const o of sorted(offsets)) io.stdout(`${single ? '' : `${group},`}${o.topic},${o.partition},${o.offset}\n`)
    }
    io.stdout('\n')
    return
  }
  const g = Math.max(15, ...[...planned.keys()].map((k) => k.length))
  const t = Math.max(15, ...[...planned.values()].flat().map((o) => o.topic.length))
  const line = (a: string, b: string, c: string, d: string): string => `\n${pad(a, g)} ${pad(b, t)} ${pad(c, 10)} ${d}`
  if (planned.size > 0) io.stdout(line('GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'))
  for (const [group, offsets] of planned) {
    for (const o of sorted(offsets)) io.stdout(line(group, o.topic, String(o.partition), String(o.offset)))
  }
  io.stdout('\n')
}

export const consumerGroupsTool: Tool = {
  name: 'consumer-groups',
  kafkaName: 'kafka-consumer-groups',
  description: 'This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.',
  options: groupOptions,
  main,
}
