/**
 * The kafka-* shims and `brook <tool>` as child processes, as users run them: exit codes,
 * stdout, and a connection failure reported in one line. Needs `npm run build` (pretest runs it).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { startTestBroker } from '../helpers/broker.js'
import { uniqueName } from '../helpers/index.js'

const binDir = fileURLToPath(new URL('../../bin/', import.meta.url))

function run(bin: string, args: readonly string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [binDir + bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  child.stdin.end(stdin)
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

let broker: Broker
beforeAll(async () => {
  broker = await startTestBroker()
})
afterAll(() => broker.close())

describe('kafka-* shims', () => {
  it('create, produce and consume through the shims with Kafka exit codes', async () => {
    const topic = uniqueName('shim')
    expect(await run('kafka-topics', ['--bootstrap-server', broker.bootstrap, '--create', '--topic', topic])).toEqual({ code: 0, stdout: `Created topic ${topic}.\n`, stderr: '' })
    expect((await run('kafka-topics', ['--bootstrap-server', broker.bootstrap, '--create', '--topic', topic])).code).toBe(1)
    expect(await run('kafka-console-producer', ['--bootstrap-server', broker.bootstrap, '--topic', topic], 'one\ntwo\n')).toEqual({ code: 0, stdout: '', stderr: '' })
    const consumed = await run('kafka-console-consumer', ['--bootstrap-server', broker.bootstrap, '--topic', topic, '--from-beginning', '--max-messages', '2'])
    expect(consumed).toEqual({ code: 0, stdout: 'one\ntwo\n', stderr: 'Processed a total of 2 messages\n' })
  })

  it('runs as brook <tool> too', async () => {
    const listed = await run('brook', ['topics', '--bootstrap-server', broker.bootstrap, '--list'])
    expect(listed.code).toBe(0)
  })

  it('reports an unreachable broker in one line and exits 1', async () => {
    const failed = await run('kafka-topics', ['--bootstrap-server', '127.0.0.1:1', '--list'])
    expect(failed).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ERROR Connection to 127.0.0.1:1 could not be established (connect ECONNREFUSED 127.0.0.1:1). Broker may not be available.\n',
    })
  })

  it('lists the tools in brook --help', async () => {
    const help = await run('brook', ['--help'])
    expect(help.stdout).toContain('brook consumer-groups')
  })
})
