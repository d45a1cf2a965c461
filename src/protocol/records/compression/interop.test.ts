/**
 * Other implementations read what these codecs write, and these codecs read what they
 * write: kafkajs' codecs (gzip built in, kafkajs-snappy, kafkajs-lz4 over liblz4) and
 * @platformatic/kafka's directly; librdkafka (kcat) and kafka-python as consumers, fetching
 * batches recompressed here from a fake broker.
 */
import { execFile, execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { promisify } from 'node:util'
import { compressionsAlgorithms } from '@platformatic/kafka'
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeBroker, type FakeBroker } from '../../../../test/golden/compression/fake-broker.js'
import { parseBatch, readHex, withRecords } from '../../../../test/golden/compression/golden-batch.js'
import { goldenRecords } from '../../../../test/golden/compression/golden-records.js'
import { compress, compressSync, decompress, type CompressionType } from './index.js'

const require = createRequire(import.meta.url)
const run = promisify(execFile)

interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>
  decompress(buffer: Buffer): Promise<Buffer>
}

const { CompressionCodecs, CompressionTypes } = kafkajs
const Lz4Codec = require('kafkajs-lz4') as new () => { codec: () => KafkajsCodec }
const KAFKAJS: [string, CompressionType, KafkajsCodec][] = [
  ['gzip (kafkajs)', 1, (CompressionCodecs[CompressionTypes.GZIP] as () => KafkajsCodec)()],
  ['snappy (kafkajs-snappy)', 2, (require('kafkajs-snappy') as () => KafkajsCodec)()],
  ['lz4 (kafkajs-lz4, liblz4)', 3, new Lz4Codec().codec()],
]

function jsonLike(size: number): Buffer {
  let text = ''
  for (let i = 0; text.length < size; i++) text += `{"id":${i},"user":"user-${(i * 7919) % 1000}","amount":${(i * 37) % 1000}}\n`
  return Buffer.from(text).subarray(0, size)
}

const INPUTS: [string, Buffer][] = [
  ['small', Buffer.from('hello, brook')],
  ['1 MiB compressible', jsonLike(1024 * 1024)],
  ['300 KiB incompressible', Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => (i * 2654435761) >>> 24))],
]

describe.each(KAFKAJS)('%s', (_name, type, codec) => {
  it.each(INPUTS)('decodes ours, and we decode its own: %s', async (_label, data) => {
    expect((await codec.decompress(await compress(type, data))).equals(data)).toBe(true)
    expect((await decompress(type, await codec.compress({ buffer: data }))).equals(data)).toBe(true)
  })
})

describe('@platformatic/kafka codecs', () => {
  const data = jsonLike(200_000)
  const plain = (b: unknown) => Buffer.from(b as Uint8Array)

  it.each([
    ['gzip', 1],
    ['lz4', 3],
  ] as const)('%s: decodes ours, and we decode its own', async (name, type) => {
    expect(plain(compressionsAlgorithms[name].decompressSync(compressSync(type, data))).equals(data)).toBe(true)
    expect((await decompress(type, plain(compressionsAlgorithms[name].compressSync(data)))).equals(data)).toBe(true)
  })

  it('snappy: we decode its raw snappy', async () => {
    expect((await decompress(2, plain(compressionsAlgorithms.snappy.compressSync(data)))).equals(data)).toBe(true)
  })
})

/** The librdkafka gzip fixture, its records recompressed with each codec here. */
const source = parseBatch(readHex('librdkafka-gzip.hex'))
const expected = goldenRecords('librdkafka', 'gzip').map((r) => `${r.key}\t${r.value}`)
const CODECS = [
  ['gzip', 1],
  ['snappy', 2],
  ['lz4', 3],
  ['zstd', 4],
] as const

function hasPython(module: string): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

// kafka-python decodes with optional modules; CI installs only python3-kafka, so those
// codecs are checked where the modules are present.
const KAFKA_PYTHON_MODULES = { gzip: 'gzip', snappy: 'snappy', lz4: 'lz4.frame', zstd: 'zstandard' } as const

const KAFKA_PYTHON_CONSUMER = `
import sys, kafka
port, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = kafka.KafkaConsumer(bootstrap_servers='127.0.0.1:' + port, api_version=(2, 1, 0), group_id=None,
    enable_auto_commit=False, consumer_timeout_ms=15000)
tp = kafka.TopicPartition(topic, 0)
c.assign([tp])
c.seek(tp, 0)
for n, m in enumerate(c, 1):
    sys.stdout.write(m.key.decode() + '\\t' + m.value.decode() + '\\n')
    if n == count:
        break
c.close()
`

describe('consumers fetching batches compressed here', () => {
  let broker: FakeBroker
  const batches = new Map<string, Buffer>()

  beforeAll(async () => {
    const records = await decompress(source.compression as CompressionType, source.records)
    for (const [name, type] of CODECS) batches.set(`interop-${name}`, withRecords(readHex('librdkafka-gzip.hex'), type, await compress(type, records)))
    broker = await startFakeBroker({ batches })
  })
  afterAll(() => broker.close())

  it.each(CODECS)('librdkafka (kcat) reads %s', async (name) => {
    const topic = `interop-${name}`
    expect(parseBatch(batches.get(topic)!).crcMatches).toBe(true)
    const args = ['-C', '-b', `127.0.0.1:${broker.port}`, '-t', topic, '-p', '0', '-o', '0', '-c', '200', '-e', '-q', '-f', '%k\t%s\n']
    const { stdout } = await run('kcat', args, { timeout: 20_000 })
    expect(stdout.trimEnd().split('\n')).toEqual(expected)
  })

  for (const [name] of CODECS)
    it.skipIf(!hasPython(KAFKA_PYTHON_MODULES[name]))(`kafka-python reads ${name}`, async () => {
    const args = ['-c', KAFKA_PYTHON_CONSUMER, String(broker.port), `interop-${name}`, '200']
    const { stdout } = await run('/usr/bin/python3', args, { timeout: 30_000 })
    expect(stdout.trimEnd().split('\n')).toEqual(expected)
    })
})
