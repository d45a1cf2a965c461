/**
 * kafka-broker-api-versions: each broker's ApiVersions in the layout of Kafka's
 * NodeApiVersions.toString(true): every API the broker lists, plus every client API it does
 * not list marked UNSUPPORTED, each with the version this tool would use.
 */
import { ApiVersions } from '../protocol/generated/api-versions.js'
import type { ApiVersion } from '../protocol/generated/api-versions.js'
import { apiTable } from '../protocol/generated/api-keys.js'
import { ErrorCode, errorName } from '../protocol/error-codes.js'
import { formatAddress } from './client/broker-connection.js'
import { adminSettings } from './client/client-config.js'
import { ToolClient } from './client/tool-client.js'
import { parseToolArgs, UsageError } from './tool-args.js'
import type { OptionSpecs } from './tool-args.js'
import type { Tool, ToolIO } from './tool.js'

const options: OptionSpecs = {
  'bootstrap-server': { kind: 'value', description: 'REQUIRED: The server to connect to.', argName: 'server(s) to use for bootstrapping' },
  'command-config': { kind: 'value', description: 'A property file containing configs to be passed to Admin Client.' },
  version: { kind: 'flag', description: 'Display Kafka version.' },
}

async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const args = parseToolArgs(argv, options)
  const bootstrap = args.value('bootstrap-server')
  if (bootstrap === undefined) throw new UsageError('Missing required argument "[bootstrap-server]"')
  const admin = await adminSettings(args.value('command-config'), 'admin-1', (line) => io.stderr(`${line}\n`))
  const client = await ToolClient.connect(bootstrap, admin.clientId, admin.requestTimeoutMs)
  try {
    await client.metadata([])
    for (const broker of client.brokers) {
      const node = `${formatAddress(broker)} (id: ${broker.nodeId} rack: ${broker.rack ?? 'null'} isFenced: false)`
      try {
        const conn = await client.connection(broker.nodeId)
        const response = await conn.request(ApiVersions, client.versionFor(ApiVersions), { clientSoftwareName: 'brook-tools', clientSoftwareVersion: '1' })
        if (response.errorCode !== ErrorCode.NONE) throw new Error(errorName(response.errorCode))
        io.stdout(`${node} -> ${formatApiVersions(response.apiKeys)}\n`)
      } catch (err) {
        io.stdout(`${node} -> ERROR: ${(err as Error).message}\n`)
      }
    }
    return 0
  } finally {
    await client.close()
  }
}

/** NodeApiVersions.toString(true). */
export function formatApiVersions(served: readonly ApiVersion[]): string {
  const lines = new Map<number, string>()
  for (const v of served) lines.set(v.apiKey, apiVersionText(v))
  for (const [key, info] of Object.entries(apiTable)) {
    const apiKey = Number(key)
    if (!lines.has(apiKey) && info.listeners.includes('broker')) lines.set(apiKey, `${info.name}(${apiKey}): UNSUPPORTED`)
  }
  const sorted = [...lines.entries()].sort(([a], [b]) => a - b).map(([, text]) => text)
  return `(\n\t${sorted.join(',\n\t')}\n)`
}

function apiVersionText(v: ApiVersion): string {
  const info = apiTable[v.apiKey]
  const range = v.minVersion === v.maxVersion ? `${v.minVersion}` : `${v.minVersion} to ${v.maxVersion}`
  if (info === undefined) return `UNKNOWN(${v.apiKey}): ${range}`
  let usable: string
  if (info.maxVersion < v.minVersion) usable = '[unusable: node too new]'
  else if (v.maxVersion < info.minVersion) usable = '[unusable: node too old]'
  else usable = `[usable: ${Math.min(info.maxVersion, v.maxVersion)}]`
  return `${info.name}(${v.apiKey}): ${range} ${usable}`
}

export const brokerApiVersionsTool: Tool = {
  name: 'broker-api-versions',
  kafkaName: 'kafka-broker-api-versions',
  description: 'This tool helps to retrieve broker version information.',
  options,
  main,
}
