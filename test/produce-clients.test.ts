// Produce with librdkafka (kcat, confluent-kafka-python), kafka-python and @platformatic/kafka,
// read back through the storage: every client's records land exactly as sent, in their codec.
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../src/broker.js'
import { brokerHandlers } from '../src/handlers/index.js'
import { ApiKey } from '../src/protocol/generated/api-keys.js'
import { CompressionType } from '../src/protocol/records/attributes.js'
import { uniqueName } from './helpers/index.js'
import { startTestBroker } from './helpers/broker.js'
import { readPartition, readPartitionText } from './helpers/partition-records.js'

const run = promisify(execFile)

let broker: Broker
beforeAll(async () => {
  broker = await startTestBroker()
})
afterAll(() => broker.close())

/** Runs a command with `input` on stdin; resolves with its stdout, rejects on a non-zero exit. */
function runWithInput(cmd: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`${cmd} exited with ${code}: ${err}`))
    })
    child.stdin.end(input)
  })
}

const textOf = async (topic: string, p: number) =>
  (await readPartitionText(broker, topic, p)).map(({ offset, key, value, headers }) => ({ offset, key, value, headers }))

/**
 * librdkafka before 2.11.1 compresses with gzip and snappy only when the broker lists Produce v0,
 * and with lz4 only when it serves FindCoordinator; otherwise it sends the batch uncompressed.
 */
function librdkafkaSends(codec: CompressionType): CompressionType {
  const servesFindCoordinator = brokerHandlers.some((h) => h.apiKey === ApiKey.FindCoordinator)
  return codec === CompressionType.Lz4 && !servesFindCoordinator ? CompressionType.None : codec
}

describe('kcat (librdkafka 2.0.2)', () => {
  for (const [codec, type] of [
    ['none', CompressionType.None],
    ['gzip', CompressionType.Gzip],
    ['snappy', CompressionType.Snappy],
    ['lz4', CompressionType.Lz4],
    ['zstd', CompressionType.Zstd],
  ] as const) {
    it(`produces keys, values and headers with compression ${codec} (Produce v0 advertised keeps it on)`, async () => {
      const topic = uniqueName(`kcat-${codec}`)
      await broker.cluster.createTopic({ name: topic, partitions: 2 })
      const lines = Array.from({ length: 20 }, (_, i) => `key${i}:value-${i}`).join('\n')
      await runWithInput(
        'kcat',
        ['-b', broker.bootstrap, '-P', '-t', topic, '-p', '1', '-K', ':', '-H', 'source=kcat', '-z', codec, '-X', 'linger.ms=50', '-X', 'topic.request.required.acks=-1'],
        `${lines}\n`,
      )
      expect(await textOf(topic, 1)).toEqual(
        Array.from({ length: 20 }, (_, i) => ({ offset: i, key: `key${i}`, value: `value-${i}`, headers: { source: 'kcat' } })),
      )
      expect(new Set((await readPartition(broker, topic, 1)).map((b) => b.compression))).toEqual(new Set([librdkafkaSends(type)]))
      expect(await readPartition(broker, topic, 0)).toEqual([])
    })
  }

})

const KAFKA_PYTHON = `
import json, sys
from kafka import KafkaProducer
bootstrap, topic, acks, codec = sys.argv[1:5]
p = KafkaProducer(bootstrap_servers=bootstrap, acks=int(acks) if acks != 'all' else 'all',
                  compression_type=None if codec == 'none' else codec, linger_ms=20)
futures = [p.send(topic, key=b'k%d' % i, value=b'v%d' % i, partition=i % 2,
                  headers=[('n', str(i).encode())]) for i in range(10)]
p.flush()
out = [[f.get(timeout=10).partition, f.get(timeout=10).offset] for f in futures]
p.close()
print(json.dumps(out))
`

describe('kafka-python 2.0.2', () => {
  it('produces with acks=all and gzip; the futures carry the offsets the broker gave', async () => {
    const topic = uniqueName('kafka-python')
    await broker.cluster.createTopic({ name: topic, partitions: 2 })
    const { stdout } = await run('/usr/bin/python3', ['-c', KAFKA_PYTHON, broker.bootstrap, topic, 'all', 'gzip'], { timeout: 30_000 })
    expect(JSON.parse(stdout)).toEqual(Array.from({ length: 10 }, (_, i) => [i % 2, Math.floor(i / 2)]))
    for (const p of [0, 1]) {
      expect(await textOf(topic, p)).toEqual(
        Array.from({ length: 5 }, (_, j) => ({ offset: j, key: `k${2 * j + p}`, value: `v${2 * j + p}`, headers: { n: String(2 * j + p) } })),
      )
      expect((await readPartition(broker, topic, p)).every((b) => b.compression === CompressionType.Gzip)).toBe(true)
    }
  })

  it('produces with acks=1, uncompressed', async () => {
    const topic = uniqueName('kafka-python-1')
    await broker.cluster.createTopic({ name: topic, partitions: 2 })
    const { stdout } = await run('/usr/bin/python3', ['-c', KAFKA_PYTHON, broker.bootstrap, topic, '1', 'none'], { timeout: 30_000 })
    expect(JSON.parse(stdout)).toEqual(Array.from({ length: 10 }, (_, i) => [i % 2, Math.floor(i / 2)]))
    expect((await textOf(topic, 0)).map((r) => r.value)).toEqual(['v0', 'v2', 'v4', 'v6', 'v8'])
  })
})

const CONFLUENT = `
import json, sys
from confluent_kafka import Producer
bootstrap, topic = sys.argv[1:3]
reports = []
p = Producer({'bootstrap.servers': bootstrap, 'compression.type': 'lz4', 'acks': 'all', 'linger.ms': 20})
for i in range(10):
    p.produce(topic, key='k%d' % i, value='v%d' % i + 'x' * 200, partition=0, headers={'i': str(i)},
              on_delivery=lambda err, msg: reports.append([str(err) if err else None, msg.offset()]))
p.flush(10)
print(json.dumps(reports))
`

describe('confluent-kafka-python (librdkafka 2.0.2)', () => {
  it('produces lz4 batches (linked blocks, once lz4 is on) that land as sent', async () => {
    const topic = uniqueName('confluent')
    await broker.cluster.createTopic({ name: topic, partitions: 1 })
    const { stdout } = await run('/usr/bin/python3', ['-c', CONFLUENT, broker.bootstrap, topic], { timeout: 30_000 })
    expect(JSON.parse(stdout)).toEqual(Array.from({ length: 10 }, (_, i) => [null, i]))
    // Values that compress: librdkafka sends a batch uncompressed when lz4 would not make it smaller.
    expect(await textOf(topic, 0)).toEqual(Array.from({ length: 10 }, (_, i) => ({ offset: i, key: `k${i}`, value: `v${i}${'x'.repeat(200)}`, headers: { i: String(i) } })))
    expect(new Set((await readPartition(broker, topic, 0)).map((b) => b.compression))).toEqual(new Set([librdkafkaSends(CompressionType.Lz4)]))
  })
})

describe('@platformatic/kafka producer (flexible versions)', () => {
  it('produces keys, values and headers and reports the offsets', async () => {
    const topic = uniqueName('platformatic')
    await broker.cluster.createTopic({ name: topic, partitions: 2 })
    const producer = new Producer({ clientId: 'brook-test', bootstrapBrokers: [broker.bootstrap], serializers: stringSerializers })
    try {
      const result = await producer.send({
        acks: ProduceAcks.ALL,
        messages: [
          { topic, partition: 1, key: 'a', value: 'one', headers: new Map([['h', 'x']]) },
          { topic, partition: 1, key: 'b', value: 'two' },
          { topic, partition: 0, key: 'c', value: 'three' },
        ],
      })
      expect(result.offsets?.sort((a, b) => a.partition - b.partition)).toEqual([
        { topic, partition: 0, offset: 0n },
        { topic, partition: 1, offset: 0n },
      ])
      const again = await producer.send({ acks: ProduceAcks.LEADER, compression: 'snappy', messages: [{ topic, partition: 1, key: 'd', value: 'four' }] })
      expect(again.offsets).toEqual([{ topic, partition: 1, offset: 2n }])
    } finally {
      await producer.close()
    }
    expect(await textOf(topic, 1)).toEqual([
      { offset: 0, key: 'a', value: 'one', headers: { h: 'x' } },
      { offset: 1, key: 'b', value: 'two', headers: {} },
      { offset: 2, key: 'd', value: 'four', headers: {} },
    ])
    expect((await readPartition(broker, topic, 1)).map((b) => b.compression)).toEqual([CompressionType.None, CompressionType.Snappy])
    expect(await textOf(topic, 0)).toEqual([{ offset: 0, key: 'c', value: 'three', headers: {} }])
  })
})
