// librdkafka's idempotent producer (confluent-kafka-python, enable.idempotence=true) through a
// proxy that drops the connection instead of passing on the first Produce response: the
// producer resends the same batch (same producer id and sequence) on a new connection, the
// broker answers it as a duplicate, and every message is in the log exactly once.
import { execFile } from 'node:child_process'
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Broker } from '../src/broker.js'
import { ApiKey } from '../src/protocol/generated/api-keys.js'
import { uniqueName } from './helpers/index.js'
import { startTestBroker } from './helpers/broker.js'
import { readPartitionText } from './helpers/partition-records.js'

const run = promisify(execFile)

/** Splits a stream into Kafka frames (int32 size prefix), calling `onFrame` with each whole frame. */
function framer(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0)
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = 4 + pending.readInt32BE(0)
      onFrame(pending.subarray(0, size))
      pending = pending.subarray(size)
    }
  }
}

/** A TCP proxy to `target` that swallows the first Produce response and closes that connection. */
class DroppingProxy {
  readonly server: Server
  target = 0
  dropped = 0
  readonly #sockets = new Set<Socket>()

  constructor() {
    this.server = createServer((client) => this.#connect(client))
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    return (this.server.address() as AddressInfo).port
  }

  #connect(client: Socket): void {
    const upstream = createConnection(this.target, '127.0.0.1')
    this.#sockets.add(client).add(upstream)
    const produceIds = new Set<number>()
    client.on('data', framer((frame) => {
      if (frame.readInt16BE(4) === ApiKey.Produce) produceIds.add(frame.readInt32BE(8))
      upstream.write(frame)
    }))
    upstream.on('data', framer((frame) => {
      if (this.dropped === 0 && produceIds.has(frame.readInt32BE(4))) {
        this.dropped++
        client.destroy()
        upstream.destroy()
        return
      }
      client.write(frame)
    }))
    const end = (): void => {
      client.destroy()
      upstream.destroy()
    }
    client.on('close', end).on('error', end)
    upstream.on('close', end).on('error', end)
  }

  close(): void {
    for (const s of this.#sockets) s.destroy()
    this.server.close()
  }
}

const PRODUCER = `
import sys
from confluent_kafka import Producer
bootstrap, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
failed = []
p = Producer({'bootstrap.servers': bootstrap, 'enable.idempotence': True, 'linger.ms': 5, 'retry.backoff.ms': 50})
for i in range(n):
    p.produce(topic, value=b'm%d' % i, partition=0, on_delivery=lambda err, msg: err and failed.append(str(err)))
    if i % 10 == 9:
        p.flush(20)
left = p.flush(20)
print(left, len(failed), failed[:3])
`

let broker: Broker
const proxy = new DroppingProxy()
/** A port free now, for the broker to listen on (its advertised address is the proxy's). */
async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

beforeAll(async () => {
  const port = await proxy.listen()
  proxy.target = await freePort()
  broker = await startTestBroker({
    config: { listeners: `PLAINTEXT://127.0.0.1:${proxy.target}`, 'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}` },
  })
})
afterAll(async () => {
  proxy.close()
  await broker.close()
})

it('confluent-kafka-python with enable.idempotence=true: a dropped Produce response is retried without duplicates', async () => {
  const topic = uniqueName('idem-retry')
  await broker.cluster.createTopic({ name: topic, partitions: 1 })
  const n = 40
  const { stdout } = await run('/usr/bin/python3', ['-c', PRODUCER, broker.bootstrap, topic, String(n)], { timeout: 40_000 })
  expect(stdout.trim()).toBe('0 0 []')
  expect(proxy.dropped).toBe(1)
  const values = (await readPartitionText(broker, topic, 0)).map((r) => r.value)
  expect(values).toEqual(Array.from({ length: n }, (_, i) => `m${i}`))
})
