/**
 * Captures compressed record batches from real Kafka clients, for the codec tests' golden
 * files. Each client produces the golden records to a fake broker (test/golden/compression/
 * fake-broker.ts) on a topic named for it and the codec; the records field of its produce
 * request, one v2 batch, is written to test/golden/compression/<client>-<codec>.hex with a
 * .json beside it.
 *
 * Usage: npx tsx scripts/capture-compressed.ts [client ...]   (clients: kafkajs, librdkafka,
 * kafka-python, python-lz4). The Python clients run with /usr/bin/python3; kafka-python's
 * snappy, lz4 and zstd need Debian's python3-snappy, python3-lz4 and python3-zstandard.
 */
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import kafkajs from 'kafkajs'
import { startFakeBroker, type Produced } from '../test/golden/compression/fake-broker.js'
import { GOLDEN_RECORD_COUNT, goldenRecords } from '../test/golden/compression/golden-records.js'

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '../test/golden/compression')
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const
const waiting = new Map<string, (p: Produced) => void>()

function captured(topic: string, timeoutMs = 30_000): Promise<Produced> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no produce request for ${topic} within ${timeoutMs} ms`)), timeoutMs)
    waiting.set(topic, (c) => {
      clearTimeout(timer)
      waiting.delete(topic)
      resolve(c)
    })
  })
}

function save(client: string, codec: string, clientVersion: string, c: Produced): void {
  const count = c.batch.readInt32BE(57)
  if (c.batch.length < 61 || c.batch[16] !== 2 || count !== GOLDEN_RECORD_COUNT)
    throw new Error(`${client}-${codec}: expected one v2 batch of ${GOLDEN_RECORD_COUNT} records, got ${count} (magic ${c.batch[16]})`)
  const hex = c.batch.toString('hex').replace(/(.{128})/g, '$1\n').trimEnd()
  const base = join(OUT_DIR, `${client}-${codec}`)
  writeFileSync(`${base}.hex`, `${hex}\n`)
  const meta = { client, clientVersion, codec, topic: c.topic, produceVersion: c.produceVersion, batchBytes: c.batch.length }
  writeFileSync(`${base}.json`, `${JSON.stringify(meta, null, 2)}\n`)
  console.log(`${client}-${codec}: ${c.batch.length} bytes, attributes 0x${c.batch.readInt16BE(21).toString(16)}`)
}

async function captureKafkajs(port: number): Promise<void> {
  const require = createRequire(import.meta.url)
  const { Kafka, CompressionTypes, CompressionCodecs, logLevel } = kafkajs
  CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy')
  const Lz4Codec = require('kafkajs-lz4') as new () => { codec: (typeof CompressionCodecs)[typeof CompressionTypes.LZ4] }
  CompressionCodecs[CompressionTypes.LZ4] = new Lz4Codec().codec
  const types = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4 }
  const version = (require('kafkajs/package.json') as { version: string }).version
  for (const [codec, compression] of Object.entries(types)) {
    const topic = `golden-kafkajs-${codec}`
    const kafka = new Kafka({ clientId: 'brook-golden', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING })
    const producer = kafka.producer({ allowAutoTopicCreation: false })
    await producer.connect()
    const capture = captured(topic)
    const messages = goldenRecords('kafkajs', codec).map((r) => ({ key: r.key, value: r.value, partition: 0 }))
    await producer.send({ topic, compression, messages })
    save('kafkajs', codec, version, await capture)
    await producer.disconnect()
  }
}

const PYTHON_CLIENTS = {
  // flush() makes librdkafka ignore linger.ms and may send messages still being moved off the
  // unassigned queue as a batch of their own; polling lets linger.ms gather all 200 first.
  librdkafka: `
import json, sys, time, confluent_kafka
port, topic, codec = sys.argv[1], sys.argv[2], sys.argv[3]
p = confluent_kafka.Producer({'bootstrap.servers': '127.0.0.1:' + port, 'compression.type': codec,
    'linger.ms': 1000, 'client.id': 'brook-golden'})
records = json.load(sys.stdin)
for r in records:
    p.produce(topic, key=r['key'], value=r['value'], partition=0)
deadline = time.time() + 20
while len(p) > 0 and time.time() < deadline:
    p.poll(0.1)
assert p.flush(1) == 0
`,
  'kafka-python': `
import json, sys, kafka
port, topic, codec = sys.argv[1], sys.argv[2], sys.argv[3]
p = kafka.KafkaProducer(bootstrap_servers='127.0.0.1:' + port, compression_type=codec, api_version=(2, 1, 0),
    linger_ms=1000, batch_size=1 << 20, client_id='brook-golden')
for r in json.load(sys.stdin):
    p.send(topic, key=r['key'].encode(), value=r['value'].encode(), partition=0)
p.flush(20)
p.close(5)
`,
} as const

const PYTHON_VERSIONS = {
  librdkafka: 'import confluent_kafka as c; print("librdkafka %s (confluent-kafka-python %s)" % (c.libversion()[0], c.version()[0]))',
  'kafka-python': 'import kafka; print("kafka-python " + kafka.__version__)',
} as const

function runPython(script: string, args: string[], stdin: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', ['-c', script, ...args], { stdio: ['pipe', 'inherit', 'inherit'] })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`python exited with ${code}`))))
    child.stdin.end(stdin)
  })
}

async function capturePython(client: keyof typeof PYTHON_CLIENTS, port: number): Promise<void> {
  const version = execFileSync('/usr/bin/python3', ['-c', PYTHON_VERSIONS[client]], { encoding: 'utf8' }).trim()
  for (const codec of CODECS) {
    const topic = `golden-${client}-${codec}`
    const capture = captured(topic)
    try {
      await runPython(PYTHON_CLIENTS[client], [String(port), topic, codec], JSON.stringify(goldenRecords(client, codec)))
      save(client, codec, version, await capture)
    } catch (err) {
      waiting.delete(topic)
      console.log(`${client}-${codec}: skipped (${(err as Error).message})`)
    }
  }
}

/**
 * Not a client: python-lz4 (the reference liblz4) framing the records region of the librdkafka
 * lz4 batch with what Kafka's writers never use: linked blocks, block and content checksums,
 * and the content size. Must run after the librdkafka capture.
 */
function capturePythonLz4Linked(): void {
  const script = `
import sys, lz4.frame
sys.stdout.write(lz4.frame.compress(sys.stdin.buffer.read(), block_size=lz4.frame.BLOCKSIZE_MAX64KB, block_linked=True,
    content_checksum=True, block_checksum=True, store_size=True).hex())
`
  const lz4 = createRequire(import.meta.url)('lz4-napi') as typeof import('lz4-napi')
  const batch = Buffer.from(readFileSync(join(OUT_DIR, 'librdkafka-lz4.hex'), 'utf8').replace(/\s/g, ''), 'hex')
  const records = lz4.decompressFrameSync(batch.subarray(61))
  const frame = execFileSync('/usr/bin/python3', ['-c', script], { input: records, encoding: 'utf8' })
  writeFileSync(join(OUT_DIR, 'python-lz4-linked.hex'), `${frame.replace(/(.{128})/g, '$1\n').trimEnd()}\n`)
  const version = execFileSync('/usr/bin/python3', ['-c', 'import lz4; print(lz4.__version__)'], { encoding: 'utf8' }).trim()
  const meta = { writer: `python-lz4 ${version}`, frameOf: 'records region of librdkafka-lz4.hex', frameBytes: frame.length / 2 }
  writeFileSync(join(OUT_DIR, 'python-lz4-linked.json'), `${JSON.stringify(meta, null, 2)}\n`)
  console.log(`python-lz4-linked: ${frame.length / 2} bytes`)
}

const broker = await startFakeBroker({ onProduce: (p) => waiting.get(p.topic)?.(p) })
const port = broker.port
const wanted = process.argv.slice(2)
const run = (name: string) => wanted.length === 0 || wanted.includes(name)
try {
  if (run('kafkajs')) await captureKafkajs(port)
  if (run('librdkafka')) await capturePython('librdkafka', port)
  if (run('kafka-python')) await capturePython('kafka-python', port)
  if (run('python-lz4')) capturePythonLz4Linked()
} finally {
  await broker.close()
}
process.exit(0)
