import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiVersions } from '../src/protocol/generated/api-versions.js'
import { Metadata } from '../src/protocol/generated/metadata.js'
import { spawnBrook } from './helpers/cli.js'
import type { BrookProcess } from './helpers/cli.js'
import { tempDir } from './helpers/index.js'
import type { LogLine } from './helpers/log-capture.js'
import { RawClient } from './helpers/raw-client.js'

const running: BrookProcess[] = []
afterEach(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL')
    await p.exited
  }
})

function brook(args: readonly string[], env: Record<string, string> = {}, cwd?: string): BrookProcess {
  const p = spawnBrook(args, env, cwd)
  running.push(p)
  return p
}

/** A server.properties on an ephemeral port of 127.0.0.1 with its own data dir. */
function propertiesFile(extra = ''): { file: string; dataDir: string } {
  const dir = tempDir()
  const dataDir = join(dir, 'data')
  const file = join(dir, 'server.properties')
  writeFileSync(file, `listeners=PLAINTEXT://127.0.0.1:0\nlog.dirs=${dataDir}\n${extra}`)
  return { file, dataDir }
}

function bootstrapOf(started: LogLine): string {
  const [first] = started['advertisedListeners'] as string[]
  return (first as string).replace(/^PLAINTEXT:\/\//, '')
}

describe('brook start', () => {
  it('serves clients and exits 0 on SIGTERM after a clean shutdown', async () => {
    const { file, dataDir } = propertiesFile()
    const p = brook(['start', file])
    const started = await p.waitFor('started')
    expect(started).toMatchObject({ nodeId: 1, logDirs: [dataDir] })
    const client = await RawClient.connect(bootstrapOf(started))
    client.send(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
    expect((await client.receive(Metadata, 12)).body.brokers).toHaveLength(1)
    client.close()
    expect(existsSync(join(dataDir, '.lock'))).toBe(true)
    p.child.kill('SIGTERM')
    expect(await p.exited).toBe(0)
    expect(p.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['signal received', 'shutting down', 'stopped']))
    expect(existsSync(join(dataDir, '.lock'))).toBe(false)
  })

  it('exits 0 on SIGINT too', async () => {
    const { file } = propertiesFile()
    const p = brook(['start', file])
    await p.waitFor('started')
    p.child.kill('SIGINT')
    expect(await p.exited).toBe(0)
  })

  it('stops start-up on an invalid value, naming the key and the expected type', async () => {
    const { file } = propertiesFile()
    const p = brook(['start', file, '--override', 'socket.request.max.bytes=lots'])
    expect(await p.exited).toBe(1)
    expect(p.stderr()).toBe(
      'brook: BROOK_ERR_CONFIG_INVALID: Invalid value "lots" for configuration socket.request.max.bytes: expected an int (32-bit integer) (from --override)\n',
    )
  })

  it('names the file when an invalid value comes from it', async () => {
    const { file } = propertiesFile('auto.create.topics.enable=maybe\n')
    const p = brook(['start', file])
    expect(await p.exited).toBe(1)
    expect(p.stderr()).toContain(`configuration auto.create.topics.enable: expected a boolean (true or false) (from ${file})`)
  })

  it('logs unknown keys and starts anyway', async () => {
    const { file } = propertiesFile('process.roles=broker,controller\ncontroller.quorum.voters=1@localhost:9093\n')
    const p = brook(['start', file])
    await p.waitFor('started')
    expect(p.lines.find((l) => l.msg === 'ignoring unknown config keys')).toMatchObject({
      keys: ['controller.quorum.voters', 'process.roles'],
    })
  })

  it('layers file, KAFKA_* environment and --override, later winning', async () => {
    const { file } = propertiesFile('node.id=3\nnum.partitions=2\n')
    const env = { KAFKA_NODE_ID: '4', KAFKA_NUM_PARTITIONS: '6', KAFKA_HEAP_OPTS: '-Xmx1G' }
    const fromEnv = await brook(['start', file], env).waitFor('started')
    expect(fromEnv.nodeId).toBe(4)
    const p = brook(['start', file, '--override', 'node.id=5', '--override=log.dirs=' + tempDir()], env)
    expect((await p.waitFor('started')).nodeId).toBe(5)
  })

  it('formats a new data dir with CLUSTER_ID from the environment', async () => {
    const { file } = propertiesFile()
    const started = await brook(['start', file], { CLUSTER_ID: '5L6g3nShT-eMCtK--X86sw' }).waitFor('started')
    expect(started.clusterId).toBe('5L6g3nShT-eMCtK--X86sw')
  })

  it('refuses a second broker on the same data dir', async () => {
    const { file, dataDir } = propertiesFile()
    const first = brook(['start', file])
    const started = await first.waitFor('started')
    const second = brook(['start', file])
    expect(await second.exited).toBe(1)
    expect(second.stderr()).toContain(`BROOK_ERR_DATA_DIR_LOCKED: Log dir ${dataDir} is in use by another broker (pid ${first.child.pid}`)
    const client = await RawClient.connect(bootstrapOf(started))
    client.send(ApiVersions, 3, { clientSoftwareName: 'cli-test', clientSoftwareVersion: '1' })
    expect((await client.receive(ApiVersions, 3)).body.errorCode).toBe(0)
    client.close()
  })

  it('runs with no file at all, on Kafka defaults plus overrides', async () => {
    const dataDir = tempDir()
    const p = brook(['start', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${dataDir}`, '--log-level', 'debug'])
    expect(await p.waitFor('started')).toMatchObject({ logDirs: [dataDir] })
  })

  it('resolves a relative log.dirs against the working directory, as config/server.properties uses it', async () => {
    const cwd = tempDir()
    const p = brook(['start', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', 'log.dirs=./data'], {}, cwd)
    expect(await p.waitFor('started')).toMatchObject({ logDirs: [join(cwd, 'data')] })
  })
})

describe('brook CLI', () => {
  it('prints help with the start command', async () => {
    const p = brook(['--help'])
    let out = ''
    p.child.stdout?.removeAllListeners('data').on('data', (c: string) => (out += c))
    expect(await p.exited).toBe(0)
    expect(out).toContain('brook start [config]')
  })

  it('rejects an unknown option with usage help', async () => {
    const p = brook(['start', '--bogus'])
    expect(await p.exited).toBe(1)
    expect(p.stderr()).toContain('Unknown argument: bogus')
  })
})
