import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { brokerApiVersionsTool } from '../../src/tools/broker-api-versions.js'
import { configsTool } from '../../src/tools/configs.js'
import { topicsTool } from '../../src/tools/topics.js'
import { startTestBroker } from '../helpers/broker.js'
import { uniqueName } from '../helpers/index.js'
import { runInProcess } from './run-tool.js'

let broker: Broker
beforeAll(async () => {
  broker = await startTestBroker()
})
afterAll(() => broker.close())

const configs = (...argv: string[]) => runInProcess(configsTool, ['--bootstrap-server', broker.bootstrap, ...argv])

describe('kafka-configs', () => {
  it('alters and describes a topic dynamic config, then deletes it', async () => {
    const topic = uniqueName('cfg')
    await runInProcess(topicsTool, ['--bootstrap-server', broker.bootstrap, '--create', '--topic', topic])
    expect(await configs('--alter', '--entity-type', 'topics', '--entity-name', topic, '--add-config', 'retention.ms=5000,cleanup.policy=[delete,compact]')).toEqual({
      code: 0,
      stdout: `Completed updating config for topic ${topic}.\n`,
      stderr: '',
    })
    const described = await configs('--describe', '--topic', topic)
    expect(described.code).toBe(0)
    const lines = described.stdout.split('\n')
    expect(lines[0]).toBe(`Dynamic configs for topic ${topic} are:`)
    expect(lines[1]).toMatch(/^ {2}cleanup\.policy=delete,compact sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:cleanup\.policy=delete,compact, DEFAULT_CONFIG:log\.cleanup\.policy=delete\}$/)
    expect(lines[2]).toMatch(/^ {2}retention\.ms=5000 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=5000/)
    expect((await configs('--alter', '--topic', topic, '--delete-config', 'retention.ms')).code).toBe(0)
    expect((await configs('--describe', '--topic', topic)).stdout).not.toContain('retention.ms=')
    expect(await configs('--alter', '--topic', topic, '--delete-config', 'retention.ms')).toEqual({ code: 1, stdout: '', stderr: 'Invalid config(s): retention.ms\n' })
  })

  it('describes all configs of a broker and its cluster default', async () => {
    const all = await configs('--describe', '--entity-type', 'brokers', '--entity-name', '1', '--all')
    expect(all.stdout.split('\n')[0]).toBe('All configs for broker 1 are:')
    expect(all.stdout).toMatch(/^ {2}num\.partitions=1 sensitive=false synonyms=\{DEFAULT_CONFIG:num\.partitions=1\}$/m)
    expect((await configs('--describe', '--entity-type', 'brokers', '--entity-default')).stdout).toBe('Default configs for brokers in the cluster are:\n')
  })

  it('reports an unknown topic as a failed command', async () => {
    const run = await configs('--describe', '--topic', uniqueName('missing'))
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^Error while executing config command with args '--bootstrap-server .* --describe --topic .*'\n/)
  })
})

describe('kafka-broker-api-versions', () => {
  it("prints each broker's versions in NodeApiVersions layout", async () => {
    const run = await runInProcess(brokerApiVersionsTool, ['--bootstrap-server', broker.bootstrap])
    expect(run.code).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toBe(`${broker.bootstrap} (id: 1 rack: null isFenced: false) -> (`)
    expect(lines[1]).toBe('\tProduce(0): 0 to 11 [usable: 11],')
    expect(lines[2]).toBe('\tFetch(1): 4 to 16 [usable: 16],')
    expect(lines).toContain('\tSaslHandshake(17): UNSUPPORTED,')
    expect(lines.at(-2)).toBe(')')
  })
})
