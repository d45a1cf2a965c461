import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../log.js'
import { BrokerMetrics, BrokerState } from './broker-metrics.js'
import { renderFamilies } from './exposition.js'
import { MetricsServer } from './metrics-server.js'

const servers: MetricsServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function serve(metrics: BrokerMetrics): Promise<string> {
  const server = await MetricsServer.start({ port: 0, metrics, log: createLogger({ level: 'silent' }) })
  servers.push(server)
  return `http://127.0.0.1:${server.port}`
}

describe('MetricsServer', () => {
  it('is live at once but ready only while the broker runs', async () => {
    const metrics = new BrokerMetrics()
    const url = await serve(metrics)
    const check = async (path: string): Promise<[number, unknown]> => {
      const res = await fetch(url + path)
      return [res.status, await res.json()]
    }
    for (const [state, name] of [
      [BrokerState.STARTING, 'STARTING'],
      [BrokerState.RECOVERY, 'RECOVERY'],
      [BrokerState.SHUTTING_DOWN, 'SHUTTING_DOWN'],
    ] as const) {
      metrics.state = state
      expect(await check('/health')).toEqual([200, { status: 'UP', brokerState: name }])
      expect(await check('/health/ready')).toEqual([503, { status: 'DOWN', brokerState: name }])
    }
    metrics.state = BrokerState.RUNNING
    expect(await check('/health/ready?verbose')).toEqual([200, { status: 'UP', brokerState: 'RUNNING' }])
  })

  it('serves Prometheus text with its content type, the broker state among it', async () => {
    const metrics = new BrokerMetrics()
    const res = await fetch(`${await serve(metrics)}/metrics`)
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    const text = await res.text()
    expect(text).toContain('# TYPE kafka_server_kafkaserver_brokerstate gauge\nkafka_server_kafkaserver_brokerstate 1\n')
    expect(text).toContain('# TYPE kafka_network_requestmetrics_totaltimems histogram\n')
  })

  it('names the port when it is taken', async () => {
    const first = await MetricsServer.start({ port: 0, metrics: new BrokerMetrics(), log: createLogger({ level: 'silent' }) })
    servers.push(first)
    await expect(MetricsServer.start({ port: first.port, metrics: new BrokerMetrics(), log: createLogger({ level: 'silent' }) })).rejects.toThrow(
      `Cannot serve metrics on port ${first.port}: the port is already in use. Check metrics.port.`,
    )
  })
})

describe('exposition', () => {
  it('escapes label values and help text', () => {
    const text = renderFamilies([{ name: 'm', help: 'a\\b\nc', type: 'counter', samples: [{ labels: { topic: 'x"y\\z\n' }, value: 1 }] }])
    expect(text).toBe('# HELP m a\\\\b\\nc\n# TYPE m counter\nm{topic="x\\"y\\\\z\\n"} 1\n')
  })
})
