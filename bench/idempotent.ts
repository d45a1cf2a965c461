/**
 * Idempotent vs plain produce (not a timed test):
 *   npx tsx bench/idempotent.ts [--mib 128] [--depth 8] [--rounds 3] [--batch-kib 16]
 *
 * One Brook broker in its own process (bench/produce/server.ts), one partition, acks=-1, 1 KiB
 * records in batches of about --batch-kib. The load generator pipelines --depth Produce requests
 * over one connection. "plain" batches carry no producer id; "idempotent" batches carry one
 * producer id with consecutive sequences, so every append goes through the partition's sequence
 * check. Frames are built before the clock starts (an idempotent frame differs per request: its
 * sequence, and so its CRC). Runs alternate, the order swapping each round; reported: best MB/s
 * and the server's CPU time per GiB (least of the rounds), and idempotent as a share of plain.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { Produce } from '../src/protocol/generated/produce.js'
import { encodeRequestHeader, requestHeaderVersion } from '../src/protocol/generated/headers.js'
import { Writer } from '../src/protocol/primitives/writer.js'
import { BATCH, BatchHeader } from '../src/protocol/records/batch-header.js'
import { buildBatch } from '../src/protocol/records/batch-builder.js'
import { Framer, PRODUCE_VERSION, RECORD_BYTES, decodeProduceResponse, open, recordsPerBatch } from './produce/wire.js'

const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '128' },
    depth: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    'batch-kib': { type: 'string', default: '16' },
  },
})
const MiB = 1024 * 1024
const records = recordsPerBatch(Number(values['batch-kib']) * 1024)
const depth = Number(values.depth)

/** One Produce frame per request; idempotent ones carry producer 1000 with consecutive sequences from 0. */
function frames(topic: string, count: number, idempotent: boolean): Buffer[] {
  const now = Date.now()
  const batch = buildBatch(
    Array.from({ length: records }, (_, i) => ({ timestamp: now, key: null, value: Buffer.alloc(RECORD_BYTES, i & 0xff) })),
    idempotent ? { producerId: 1000, producerEpoch: 0, baseSequence: 0 } : {},
  )
  const w = new Writer(batch.length + 256)
  w.writeInt32(0)
  encodeRequestHeader(w, requestHeaderVersion(Produce.apiKey, PRODUCE_VERSION), { requestApiKey: Produce.apiKey, requestApiVersion: PRODUCE_VERSION, correlationId: 1, clientId: 'bench' })
  Produce.encodeRequest(w, PRODUCE_VERSION, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] })
  const template = w.toBuffer()
  template.writeInt32BE(template.length - 4, 0)
  const at = template.indexOf(batch)
  return Array.from({ length: count }, (_, i) => {
    if (!idempotent) return template
    const f = Buffer.from(template)
    f.writeInt32BE(i * records, at + BATCH.BASE_SEQUENCE)
    BatchHeader.view(f, at).updateCrc()
    return f
  })
}

async function load(port: number, list: Buffer[]): Promise<number> {
  const socket = await open('127.0.0.1', port)
  let sent = 0
  let answered = 0
  const start = performance.now()
  try {
    return await new Promise<number>((resolve, reject) => {
      const framer = new Framer((frame) => {
        answered++
        if (answered === 1 || answered === list.length) {
          const code = decodeProduceResponse(frame).responses[0]!.partitionResponses[0]!.errorCode
          if (code !== 0) reject(new Error(`produce failed with error ${code}`))
        }
        if (answered === list.length) resolve(performance.now() - start)
        else if (sent < list.length) socket.write(list[sent++]!)
      })
      socket.on('data', (c: Buffer) => framer.push(c))
      socket.once('error', reject)
      for (; sent < Math.min(depth, list.length); ) socket.write(list[sent++]!)
    })
  } finally {
    socket.destroy()
  }
}

const dir = await mkdtemp(join(process.env.BENCH_DIR ?? tmpdir(), 'brook-idempotent-'))
const server = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'produce', 'server.ts'), dir], { stdio: ['pipe', 'pipe', 'inherit'] })
const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]()
const nextLine = async (): Promise<string> => (await lines.next()).value as string
const command = async (line: string): Promise<string> => {
  server.stdin!.write(`${line}\n`)
  return nextLine()
}
try {
  const { bootstrap } = JSON.parse(await nextLine()) as { bootstrap: string }
  const port = Number(bootstrap.split(':').at(-1))
  const count = Math.ceil((Number(values.mib) * MiB) / (records * RECORD_BYTES))
  const best = { plain: { mbs: 0, cpu: Infinity }, idempotent: { mbs: 0, cpu: Infinity } }
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 === 0 ? (['plain', 'idempotent'] as const) : (['idempotent', 'plain'] as const)
    for (const kind of order) {
      const topic = `bench-${kind}-${round}`
      await command(`create ${topic} 1`)
      const list = frames(topic, count, kind === 'idempotent')
      const cpu0 = (JSON.parse(await command('cpu')) as { cpuMs: number }).cpuMs
      const ms = await load(port, list)
      const cpu = (JSON.parse(await command('cpu')) as { cpuMs: number }).cpuMs - cpu0
      const bytes = list.reduce((n, f) => n + f.length, 0)
      const mbs = bytes / MiB / (ms / 1000)
      const cpuPerGiB = (cpu * 1024 * MiB) / bytes
      best[kind].mbs = Math.max(best[kind].mbs, mbs)
      best[kind].cpu = Math.min(best[kind].cpu, cpuPerGiB)
      console.log(`round ${round + 1} ${kind.padEnd(10)} ${mbs.toFixed(1).padStart(7)} MB/s  server CPU ${cpuPerGiB.toFixed(0).padStart(6)} ms/GiB`)
      await command(`delete ${topic}`)
    }
  }
  console.log(`\n1 partition, acks=-1, ${values['batch-kib']} KiB batches, depth ${depth}, best of ${values.rounds} rounds:`)
  console.log(`  plain       ${best.plain.mbs.toFixed(1)} MB/s, ${best.plain.cpu.toFixed(0)} ms CPU/GiB`)
  console.log(`  idempotent  ${best.idempotent.mbs.toFixed(1)} MB/s, ${best.idempotent.cpu.toFixed(0)} ms CPU/GiB`)
  console.log(`  idempotent/plain: ${((100 * best.idempotent.mbs) / best.plain.mbs).toFixed(1)}% of the throughput, ${((100 * best.plain.cpu) / best.idempotent.cpu).toFixed(1)}% of the CPU efficiency`)
} finally {
  const exited = new Promise((resolve) => server.once('exit', resolve))
  server.stdin!.end()
  await exited
  await rm(dir, { recursive: true, force: true })
}
