/**
 * The console producer's client settings: idempotence by default (producer id, epoch and
 * sequences in the stored batch headers, a retried batch stored once), config files, and the
 * settings it refuses.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import type { ApiHandler } from '../../src/handlers/handler.js'
import { brokerHandlers } from '../../src/handlers/index.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Produce } from '../../src/protocol/generated/produce.js'
import { Reader } from '../../src/protocol/primitives/reader.js'
import { BatchHeader } from '../../src/protocol/records/batch-header.js'
import { consoleProducerTool } from '../../src/tools/console-producer.js'
import { topicsTool } from '../../src/tools/topics.js'
import { startTestBroker } from '../helpers/broker.js'
import { tempDir, uniqueName } from '../helpers/index.js'
import { readPartitionText } from '../helpers/partition-records.js'
import { runInProcess } from './run-tool.js'

/** Topics whose first Produce is appended but answered NOT_LEADER_OR_FOLLOWER, as if the answer was lost. */
const dropFirstAnswer = new Set<string>()

function flakyProduce(real: ApiHandler): ApiHandler {
  return {
    ...real,
    async serve(body, ctx) {
      const raw = body.readRawBytes(body.remaining)
      const answer = await real.serve(new Reader(raw), ctx)
      const request = Produce.decodeRequest(new Reader(raw), ctx.apiVersion)
      const topic = request.topicData[0]?.name ?? ''
      if (!dropFirstAnswer.delete(topic)) return answer
      return (w) =>
        Produce.encodeResponse(w, ctx.apiVersion, {
          throttleTimeMs: 0,
          nodeEndpoints: [],
          responses: request.topicData.map((t) => ({
            name: t.name,
            partitionResponses: t.partitionData.map((p) => ({
              index: p.index,
              errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER,
              baseOffset: -1n,
              logAppendTimeMs: -1n,
              logStartOffset: -1n,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
            })),
          })),
        })
    },
  }
}

let broker: Broker
let bootstrap: string
beforeAll(async () => {
  const handlers = brokerHandlers.map((h) => (h.apiKey === Produce.apiKey ? flakyProduce(h) : h))
  broker = await startTestBroker({ handlers })
  bootstrap = broker.bootstrap
})
afterAll(() => broker.close())

async function topic(): Promise<string> {
  const name = uniqueName('pc')
  await runInProcess(topicsTool, ['--bootstrap-server', bootstrap, '--create', '--topic', name, '--partitions', '1'])
  return name
}

const produce = (name: string, stdin: string, ...argv: string[]) =>
  runInProcess(consoleProducerTool, ['--bootstrap-server', bootstrap, '--topic', name, '--timeout', '0', ...argv], { stdin })

/** The producer fields of each stored batch header of partition 0. */
async function batchHeaders(name: string): Promise<{ producerId: number; producerEpoch: number; baseSequence: number; records: number; compression: number }[]> {
  const log = broker.replicas.partition(name, 0)
  if (!log) throw new Error(`no log for ${name}`)
  const { records } = await log.read(log.logStartOffset, 1024 * 1024)
  const out = []
  for (let pos = 0; pos < records.length; ) {
    const h = BatchHeader.view(records, pos)
    out.push({ producerId: h.producerId, producerEpoch: h.producerEpoch, baseSequence: h.baseSequence, records: h.recordCount, compression: h.compression })
    pos += h.sizeInBytes
  }
  return out
}

function propsFile(text: string): string {
  const path = join(tempDir('brook-props-'), 'client.properties')
  writeFileSync(path, text)
  return path
}

describe('console producer idempotence', () => {
  it('is on by default: one producer id, epoch 0, sequences counting records', async () => {
    const name = await topic()
    expect(await produce(name, 'a\nb\nc\n', '--sync')).toEqual({ code: 0, stdout: '', stderr: '' })
    const headers = await batchHeaders(name)
    expect(headers.map((h) => h.baseSequence)).toEqual([0, 1, 2])
    expect(new Set(headers.map((h) => h.producerId)).size).toBe(1)
    expect(headers[0]!.producerId).toBeGreaterThanOrEqual(0)
    expect(headers.every((h) => h.producerEpoch === 0)).toBe(true)
  })

  it('stores a batch once when its answer is lost and the producer retries it', async () => {
    const name = await topic()
    dropFirstAnswer.add(name)
    expect(await produce(name, 'x\ny\n')).toEqual({ code: 0, stdout: '', stderr: '' })
    expect(dropFirstAnswer.has(name)).toBe(false)
    expect((await readPartitionText(broker, name, 0)).map((r) => r.value)).toEqual(['x', 'y'])
    expect((await batchHeaders(name)).map((h) => [h.baseSequence, h.records])).toEqual([[0, 2]])
  })

  it('is off with enable.idempotence=false, and implicitly off with acks=1', async () => {
    const name = await topic()
    await produce(name, 'p\n', '--producer-property', 'enable.idempotence=false')
    await produce(name, 'q\n', '--request-required-acks', '1')
    expect((await batchHeaders(name)).map((h) => [h.producerId, h.baseSequence])).toEqual([
      [-1, -1],
      [-1, -1],
    ])
  })

  it('refuses enable.idempotence=true with acks other than all, as KafkaProducer does', async () => {
    const run = await produce('unused', 'z\n', '--producer-property', 'enable.idempotence=true', '--producer-property', 'acks=1')
    expect(run).toEqual({ code: 1, stdout: '', stderr: 'Error: Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.\n' })
  })
})

describe('console producer config files', () => {
  it('applies --producer.config, with --producer-property and options on top', async () => {
    const name = await topic()
    const file = propsFile('# client settings\ncompression.type=gzip\nacks=all\nclient.id=from-file\n')
    expect(await produce(name, 'g\n', '--producer.config', file)).toEqual({ code: 0, stdout: '', stderr: '' })
    expect(await produce(name, 'h\n', '--producer.config', file, '--producer-property', 'compression.type=lz4')).toMatchObject({ code: 0 })
    expect(await produce(name, 'i\n', '--producer.config', file, '--compression-codec', 'none')).toMatchObject({ code: 0 })
    expect((await batchHeaders(name)).map((h) => h.compression)).toEqual([1, 3, 0])
  })

  it('refuses SSL/SASL and Java classes in one line, and warns about keys it does not use', async () => {
    const sasl = await produce('unused', '', '--producer.config', propsFile('security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n'))
    expect(sasl).toEqual({ code: 1, stdout: '', stderr: "Error: security.protocol=SASL_SSL is not supported: Brook's tools connect with PLAINTEXT only\n" })
    const partitioner = await produce('unused', '', '--producer-property', 'partitioner.class=com.example.MyPartitioner')
    expect(partitioner.stderr).toBe('Error: partitioner.class=com.example.MyPartitioner is not supported: custom partitioners are Java classes\n')
    expect((await produce('unused', '', '--producer.config', join(tempDir(), 'missing.properties'))).stderr).toMatch(/^Error: java\.nio\.file\.NoSuchFileException: .*missing\.properties\n$/)
    const name = await topic()
    const warned = await produce(name, 'w\n', '--producer-property', 'sasl.mechanism=PLAIN', '--producer-property', 'foo.bar=1')
    expect(warned.code).toBe(0)
    expect(warned.stderr).toMatch(/^\[[\d-]+ [\d:,]+\] WARN These configurations '\[sasl\.mechanism, foo\.bar\]' were supplied but are not used yet\. \(org\.apache\.kafka\.clients\.producer\.ProducerConfig\)\n$/)
  })

  it('refuses a line reader other than LineMessageReader', async () => {
    const run = await produce('unused', '', '--line-reader', 'com.example.Reader')
    expect(run.code).toBe(1)
    expect(run.stderr).toBe("Error: --line-reader com.example.Reader is not supported: Brook's console producer has only org.apache.kafka.tools.LineMessageReader\n")
  })
})
