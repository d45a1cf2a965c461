// docker/ cannot be built here (no Docker engine): these checks hold the Dockerfile and compose
// file to the repository they build from and run Brook's own config pipeline on their variables.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { brokerConfigDefs } from '../../src/config/broker-configs.js'
import { BrokerConfig } from '../../src/config/broker-config.js'
import { configFromEnv, envNameToConfigKey } from '../../src/config/env.js'
import { planListeners } from '../../src/network/endpoints.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const dockerfile = readFileSync(`${root}docker/Dockerfile`, 'utf8')
const compose = readFileSync(`${root}docker/compose.yaml`, 'utf8')
const packageJson = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }

/** Dockerfile instructions with continuation lines joined and comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const [op, ...rest] = l.split(/\s+/)
    return { op: op!.toUpperCase(), args: rest.join(' ') }
  })
const of = (op: string): string[] => instructions.filter((i) => i.op === op).map((i) => i.args)

/** `ENV A=1 B=2` pairs of the final stage. */
const imageEnv = new Map(of('ENV').flatMap((args) => [...args.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!] as const)))

/** The `environment:` map of the compose service `kafka` (the file keeps to `KEY: value` lines). */
function composeEnvironment(): Map<string, string> {
  const lines = compose.split('\n')
  const start = lines.findIndex((l) => /^ {4}environment:\s*$/.test(l))
  expect(start).toBeGreaterThan(0)
  const env = new Map<string, string>()
  for (const line of lines.slice(start + 1)) {
    const m = /^ {6}([A-Z_]+):\s*"?([^"]*)"?\s*$/.exec(line)
    if (!m) break
    env.set(m[1]!, m[2]!)
  }
  return env
}

/** Kafka configs the apache/kafka examples set that mean nothing to one node; Brook warns and ignores them. */
const KAFKA_ONLY = new Set(['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'process.roles', 'controller.quorum.voters', 'controller.listener.names', 'inter.broker.listener.name'])

describe('docker/Dockerfile', () => {
  it('builds in one stage and runs in another, as the non-root node user', () => {
    expect(of('FROM')).toHaveLength(2)
    expect(of('FROM')[0]).toMatch(/^node:20\S* AS build$/)
    expect(of('COPY').filter((c) => c.startsWith('--from=build')).length).toBeGreaterThanOrEqual(3)
    expect(of('USER')).toEqual(['node'])
  })

  it('copies only files that exist and runs npm scripts that exist', () => {
    for (const copy of of('COPY').filter((c) => !c.startsWith('--from'))) {
      const sources = copy.split(/\s+/).slice(0, -1)
      for (const s of sources) expect(existsSync(`${root}${s}`), s).toBe(true)
    }
    for (const run of of('RUN')) for (const m of run.matchAll(/npm run (\S+)/g)) expect(packageJson.scripts[m[1]!], m[1]).toBeDefined()
    expect(existsSync(`${root}docker/Dockerfile.dockerignore`)).toBe(true)
  })

  it('keeps the data in a volume and serves the ports it exposes', () => {
    expect(of('VOLUME')).toEqual([imageEnv.get('KAFKA_LOG_DIRS')])
    const config = BrokerConfig.resolve([{ name: 'image', entries: configFromEnv(Object.fromEntries(imageEnv)) }])
    expect(config.unknownKeys).toEqual([])
    expect(config.logDirs).toEqual(['/var/lib/kafka/data'])
    const exposed = of('EXPOSE').flatMap((e) => e.split(/\s+/)).map(Number)
    expect(exposed).toEqual(expect.arrayContaining([planListeners(config).listeners[0]!.port, config.get('metrics.port')]))
    expect(of('HEALTHCHECK')[0]).toContain('/health/ready')
  })

  it('starts bin/brook, which exists', () => {
    expect(of('ENTRYPOINT')).toEqual(['["node", "/opt/brook/bin/brook"]'])
    expect(of('CMD').at(-1)).toBe('["start"]')
    expect(existsSync(`${root}bin/brook`)).toBe(true)
  })
})

describe('docker/compose.yaml', () => {
  it('has the service `kafka`, built from docker/Dockerfile, with its data in a named volume', () => {
    expect(compose).toMatch(/^services:\n {2}kafka:\n/m)
    expect(compose).not.toMatch(/^ {2}zookeeper:/m)
    const context = /^ {6}context: (\S+)$/m.exec(compose)![1]!
    const file = /^ {6}dockerfile: (\S+)$/m.exec(compose)![1]!
    expect(existsSync(fileURLToPath(new URL(`${context}/${file}`, new URL('docker/', `file://${root}`))))).toBe(true)
    expect(compose).toMatch(/^ {6}- kafka-data:\/var\/lib\/kafka\/data$/m)
    expect(compose).toMatch(/^volumes:\n {2}kafka-data:/m)
  })

  it('maps every KAFKA_* variable to a Brook config or to a Kafka-only one Brook ignores', () => {
    const env = composeEnvironment()
    for (const name of env.keys()) {
      if (!name.startsWith('KAFKA_')) continue
      const key = envNameToConfigKey(name.slice('KAFKA_'.length))
      expect(key in brokerConfigDefs || KAFKA_ONLY.has(key), `${name} -> ${key}`).toBe(true)
    }
  })

  it('listens for the host on localhost:9092 and for other containers on kafka:29092', () => {
    const env = Object.fromEntries([...imageEnv, ...composeEnvironment()])
    const config = BrokerConfig.resolve([{ name: 'compose', entries: configFromEnv(env) }])
    const plan = planListeners(config)
    expect(plan.listeners.map((l) => `${l.listenerName}:${l.port}`)).toEqual(['PLAINTEXT:29092', 'PLAINTEXT_HOST:9092'])
    expect(plan.advertised.map((a) => `${a.listenerName}://${a.host}:${a.port}`)).toEqual(['PLAINTEXT://kafka:29092', 'PLAINTEXT_HOST://localhost:9092'])
    expect(config.get('group.initial.rebalance.delay.ms')).toBe(0)
    expect(config.get('metrics.port')).toBe(9404)
    expect(compose).toMatch(/^ {6}- "9092:9092"$/m)
    expect(compose).toMatch(/^ {6}- "9404:9404"$/m)
    expect(env['CLUSTER_ID']).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })
})
