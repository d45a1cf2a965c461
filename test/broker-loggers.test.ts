// BROKER_LOGGER (resource type 8): DescribeConfigs lists the broker's loggers and levels as
// Kafka's Log4jController does, and IncrementalAlterConfigs changes them at once.
import { describe, expect, it } from 'vitest'
import { ConfigSource } from '../src/config/config-source.js'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { AlterConfigs } from '../src/protocol/generated/alter-configs.js'
import { DescribeConfigs } from '../src/protocol/generated/describe-configs.js'
import { IncrementalAlterConfigs } from '../src/protocol/generated/incremental-alter-configs.js'
import { pino } from 'pino'
import { brokerWithRawClient } from './helpers/raw-broker.js'

const BROKER_LOGGER = 8
const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3]

const lines: Array<{ level: number; msg: string }> = []
const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) })
const env = brokerWithRawClient({ logger })
const { call } = env

async function describeLoggers(name = '1', keys: string[] | null = null, version = 4) {
  const res = await call(DescribeConfigs, version, { resources: [{ resourceType: BROKER_LOGGER, resourceName: name, configurationKeys: keys }], includeSynonyms: true, includeDocumentation: true })
  return res.results[0]!
}

async function alter(ops: [string, number, string | null][], validateOnly = false, name = '1') {
  const res = await call(IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: BROKER_LOGGER, resourceName: name, configs: ops.map(([n, configOperation, value]) => ({ name: n, configOperation, value })) }],
    validateOnly,
  })
  const r = res.responses[0]!
  return [r.errorCode, r.errorMessage]
}

describe('broker loggers', () => {
  it('describes the root logger with its level, as a dynamic broker logger config', async () => {
    for (const version of [1, 3, 4]) {
      const r = await describeLoggers('1', null, version)
      expect(r.errorCode).toBe(ErrorCode.NONE)
      expect(r.configs).toEqual([
        expect.objectContaining({ name: 'root', value: 'WARN', readOnly: false, isSensitive: false, configSource: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG, synonyms: [] }),
      ])
    }
    expect((await describeLoggers('1', ['kafka.server.ReplicaManager'])).configs).toEqual([])
    expect(await describeLoggers('')).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Broker id must not be empty' })
    expect(await describeLoggers('x')).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Broker id must be an integer, but it is: x' })
  })

  it('sets the root level at once (validate-only changes nothing), and refuses what Kafka refuses', async () => {
    expect(await alter([['root', SET, 'INFO']], true)).toEqual([ErrorCode.NONE, null])
    expect((await describeLoggers()).configs[0]?.value).toBe('WARN')

    expect(await alter([['root', SET, 'INFO']])).toEqual([ErrorCode.NONE, null])
    expect((await describeLoggers()).configs[0]?.value).toBe('INFO')
    // The broker's components log through children of the root: they follow it.
    const before = lines.length
    await env.broker.close()
    expect(lines.slice(before).some((l) => l.level === 30)).toBe(true)
    await env.restart()
    expect(await alter([['root', SET, 'WARN']])).toEqual([ErrorCode.NONE, null])

    expect(await alter([['root', SET, 'LOUD']])).toEqual([
      ErrorCode.INVALID_CONFIG,
      'Cannot set the log level of root to LOUD as it is not a supported log level. Valid log levels are FATAL, ERROR, WARN, INFO, DEBUG, TRACE',
    ])
    expect(await alter([['kafka.server.ReplicaManager', SET, 'DEBUG']])).toEqual([ErrorCode.INVALID_CONFIG, 'Logger kafka.server.ReplicaManager does not exist!'])
    expect(await alter([['root', DELETE, null]])).toEqual([ErrorCode.INVALID_REQUEST, 'Removing the log level of the root logger is not allowed'])
    expect(await alter([['root', APPEND, 'DEBUG']])).toEqual([ErrorCode.INVALID_REQUEST, 'APPEND operation is not allowed for the BROKER_LOGGER resource'])
    expect(await alter([['root', SUBTRACT, 'DEBUG']])).toEqual([ErrorCode.INVALID_REQUEST, 'SUBTRACT operation is not allowed for the BROKER_LOGGER resource'])
    expect(await alter([['root', SET, 'DEBUG'], ['root', SET, 'INFO']])).toEqual([ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys : root'])
    expect(await alter([['root', SET, 'DEBUG']], false, '9')).toEqual([ErrorCode.INVALID_REQUEST, 'Unexpected broker id, expected 1, but received 9'])
    expect((await describeLoggers()).configs[0]?.value).toBe('WARN')

    const legacy = await call(AlterConfigs, 2, { resources: [{ resourceType: BROKER_LOGGER, resourceName: '1', configs: [{ name: 'root', value: 'DEBUG' }] }], validateOnly: false })
    expect(legacy.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'AlterConfigs is only supported for topics and brokers, but resource type is BROKER_LOGGER' })
  })
})
