import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { topicsTool } from '../../src/tools/topics.js'
import { startTestBroker } from '../helpers/broker.js'
import { tempDir, uniqueName } from '../helpers/index.js'
import { runInProcess } from './run-tool.js'

let broker: Broker
beforeAll(async () => {
  broker = await startTestBroker()
})
afterAll(() => broker.close())

const topics = (...argv: string[]) => runInProcess(topicsTool, ['--bootstrap-server', broker.bootstrap, ...argv])

describe('kafka-topics', () => {
  it('creates a topic and describes it in tab-separated lines with its overrides', async () => {
    const name = uniqueName('tt')
    expect(await topics('--create', '--topic', name, '--partitions', '2', '--config', 'retention.ms=1000')).toEqual({ code: 0, stdout: `Created topic ${name}.\n`, stderr: '' })
    const { code, stdout } = await topics('--describe', '--topic', name)
    expect(code).toBe(0)
    const lines = stdout.split('\n')
    expect(lines[0]).toMatch(new RegExp(`^Topic: ${name}\\tTopicId: [A-Za-z0-9_-]{22}\\tPartitionCount: 2\\tReplicationFactor: 1\\tConfigs: retention.ms=1000$`))
    expect(lines.slice(1)).toEqual([
      `\tTopic: ${name}\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: `,
      `\tTopic: ${name}\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: `,
      '',
    ])
  })

  it('fails a second create with Kafka message and exit 1, unless --if-not-exists', async () => {
    const name = uniqueName('dup')
    await topics('--create', '--topic', name)
    expect(await topics('--create', '--topic', name)).toEqual({ code: 1, stdout: `Error while executing topic command : Topic '${name}' already exists.\n`, stderr: '' })
    expect(await topics('--create', '--topic', name, '--if-not-exists')).toEqual({ code: 0, stdout: '', stderr: '' })
  })

  it('lists internal topics unless excluded, and filters by regular expression', async () => {
    const prefix = uniqueName('ls')
    await topics('--create', '--topic', `${prefix}-a`)
    await topics('--create', '--topic', `${prefix}-b`)
    expect((await topics('--list', '--topic', `${prefix}-.*`)).stdout).toBe(`${prefix}-a\n${prefix}-b\n`)
    const all = (await topics('--list')).stdout.split('\n')
    const names = all.slice(0, -1)
    expect(names).toEqual([...names].sort())
    const excluded = (await topics('--list', '--exclude-internal')).stdout
    expect(excluded).not.toMatch(/^__/m)
  })

  it('adds partitions with --alter and deletes silently', async () => {
    const name = uniqueName('alt')
    await topics('--create', '--topic', name, '--partitions', '1')
    expect(await topics('--alter', '--topic', name, '--partitions', '3')).toEqual({ code: 0, stdout: '', stderr: '' })
    expect((await topics('--describe', '--topic', name)).stdout).toContain('\tPartitionCount: 3\t')
    const shrink = await topics('--alter', '--topic', name, '--partitions', '2')
    expect(shrink.code).toBe(1)
    expect(shrink.stdout).toMatch(/^Error while executing topic command : /)
    expect(await topics('--delete', '--topic', name)).toEqual({ code: 0, stdout: '', stderr: '' })
  })

  it('reports a missing topic on stderr with exit 1, and nothing with --if-exists', async () => {
    const name = uniqueName('none')
    expect(await topics('--describe', '--topic', name)).toEqual({ code: 1, stdout: '', stderr: `Topic '${name}' does not exist as expected\n` })
    expect(await topics('--delete', '--topic', name, '--if-exists')).toEqual({ code: 0, stdout: '', stderr: '' })
  })

  it('rejects a command without exactly one action, with usage on stderr', async () => {
    const run = await topics('--topic', 'x')
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^Command must include exactly one action: --list, --describe, --create, --alter or --delete\nOption\s+Description/)
  })
})

describe('kafka-topics --topic-id and --command-config', () => {
  it('describes a topic by id, and says when no topic has it', async () => {
    const name = uniqueName('tid')
    await topics('--create', '--topic', name, '--partitions', '2')
    const byName = await topics('--describe', '--topic', name)
    const id = /\tTopicId: ([\w-]{22})\t/.exec(byName.stdout)?.[1] as string
    expect(await topics('--describe', '--topic-id', id)).toEqual(byName)
    const other = 'AAAAAAAAAAAAAAAAAAAAAQ'
    expect(await topics('--describe', '--topic-id', other)).toEqual({ code: 1, stdout: '', stderr: `TopicId '${other}' does not exist as expected\n` })
    expect(await topics('--describe', '--topic-id', other, '--if-exists')).toEqual({ code: 0, stdout: '', stderr: '' })
    expect((await topics('--describe', '--topic-id', 'not-a-uuid')).code).toBe(1)
    const del = await topics('--delete', '--topic', name, '--topic-id', id)
    expect(del.code).toBe(1)
    expect(del.stderr).toMatch(/^Option "\[topic-id\]" can't be used with option "\[delete\]"\n/)
  })

  it('applies client.id from --command-config and refuses SASL', async () => {
    const dir = tempDir('brook-props-')
    writeFileSync(join(dir, 'ok.properties'), 'client.id=my-admin\nrequest.timeout.ms=5000\nfoo.bar=1\n')
    const ok = await topics('--list', '--command-config', join(dir, 'ok.properties'))
    expect(ok.code).toBe(0)
    expect(ok.stderr).toMatch(/WARN These configurations '\[foo\.bar\]' were supplied but are not used yet\. \(org\.apache\.kafka\.clients\.admin\.AdminClientConfig\)\n$/)
    writeFileSync(join(dir, 'sasl.properties'), 'security.protocol=SASL_PLAINTEXT\n')
    expect(await topics('--list', '--command-config', join(dir, 'sasl.properties'))).toEqual({
      code: 1,
      stdout: '',
      stderr: "Error: security.protocol=SASL_PLAINTEXT is not supported: Brook's tools connect with PLAINTEXT only\n",
    })
  })

  it('prints the version with --version', async () => {
    expect(await topics('--version')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+ \(Brook\)\n$/) })
  })
})
