/**
 * Log cleaner benchmark (not a timed test):
 *   npx tsx bench/cleaner.ts [--local-mib 64] [--mib 128] [--keys 10000] [--value-bytes 200]
 *                            [--rate 2000] [--seconds 5]
 *
 * Throughput: a compacted log of `--local-mib` MiB of keyed records (`--keys` distinct keys,
 * `--value-bytes` values, 100 records a batch, uncompressed and lz4) is written through a
 * LogManager in this process and cleaned once: MB/s of log cleaned (bytes of the segments
 * rewritten, over the whole clean: key map, rewrite, swap) and the longest event-loop stall
 * while it ran.
 *
 * Produce latency beside the cleaner, in one run: a broker in its own process
 * (bench/cleaner/server.ts) holds a compacted topic of `--mib` MiB that its cleaner leaves alone
 * (min.cleanable.dirty.ratio=1). A fixed-rate producer (`--rate` 1 KiB messages a second for
 * `--seconds`, each its own request, acks=1, a long-polling consumer; bench/produce/latency.ts)
 * runs once so, then the topic's ratio drops to 0.01 and it runs again on a fresh topic while
 * the cleaner compacts: produce ack and end-to-end percentiles, the broker's event-loop delay in
 * each phase, and the clean's MB/s inside the broker.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { Produce } from '../src/protocol/generated/produce.js'
import { encodeRequestHeader, requestHeaderVersion } from '../src/protocol/generated/headers.js'
import { Writer } from '../src/protocol/primitives/writer.js'
import { CompressionType } from '../src/protocol/records/attributes.js'
import { buildBatch } from '../src/protocol/records/batch-builder.js'
import { compressSync } from '../src/protocol/records/compression/index.js'
import { ManualClock } from '../src/storage/clock.js'
import { logConfig } from '../src/storage/log-config.js'
import { LogManager } from '../src/storage/log-manager.js'
import { runLatency } from './produce/latency.js'
import { Framer, PRODUCE_VERSION, decodeProduceResponse, open, percentiles } from './produce/wire.js'

const { values } = parseArgs({
  options: {
    'local-mib': { type: 'string', default: '64' },
    mib: { type: 'string', default: '128' },
    keys: { type: 'string', default: '10000' },
    'value-bytes': { type: 'string', default: '200' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '5' },
  },
})
const KEYS = Number(values.keys)
const VALUE_BYTES = Number(values['value-bytes'])
const RECORDS_PER_BATCH = 100
const MIB = 1024 * 1024

/** Random bytes that values are cut from, so a codec finds as little to squeeze as in real data. */
const POOL = randomBytes(4 * MIB)

/** A batch of keyed records: keys cycle through the key space, values differ per record. */
function keyedBatch(seq: number, compression: CompressionType = CompressionType.None): Buffer {
  const now = Date.now()
  return buildBatch(
    Array.from({ length: RECORDS_PER_BATCH }, (_, i) => {
      const at = ((seq * RECORDS_PER_BATCH + i) * 7919) % (POOL.length - VALUE_BYTES)
      return { timestamp: now, key: Buffer.from(`key-${(seq * RECORDS_PER_BATCH + i) % KEYS}`), value: POOL.subarray(at, at + VALUE_BYTES) }
    }),
    { compression, compress: compressSync },
  )
}

const fmt = (n: number, digits = 1): string => n.toFixed(digits)

// ---- throughput, in this process

async function localClean(compression: CompressionType): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'brook-bench-cleaner-'))
  try {
    const clock = new ManualClock()
    // Several segments whatever the size asked for: the active one is never cleaned.
    const config = logConfig({ cleanupPolicy: ['compact'], segmentBytes: Math.min(16 * MIB, Math.max(MIB, Math.floor((Number(values['local-mib']) * MIB) / 4))) })
    const logs = await LogManager.open({ logDirs: [dir], clock, scheduler: clock, configFor: () => config, cleaner: { enable: false } })
    const log = await logs.createLog('bench', 0, { topicId: null })
    for (let seq = 0; log.size < Number(values['local-mib']) * MIB; ) {
      const pending: Array<Promise<unknown>> = []
      for (let k = 0; k < 32; k++) pending.push(log.append(keyedBatch(seq++, compression)))
      await Promise.all(pending)
    }
    const size = log.size
    // The event loop's delay with nothing to do, for scale: a shared machine adds its own.
    const idle = monitorEventLoopDelay({ resolution: 1 })
    idle.enable()
    await new Promise((r) => setTimeout(r, 1000))
    idle.disable()
    const loop = monitorEventLoopDelay({ resolution: 1 })
    loop.enable()
    const started = performance.now()
    const done = await logs.cleaner.cleanFilthiestLog()
    const seconds = (performance.now() - started) / 1000
    loop.disable()
    if (done === null) throw new Error('nothing was cleaned')
    const name = compression === CompressionType.None ? 'uncompressed' : 'lz4'
    console.log(
      `| ${name} | ${fmt(size / MIB)} MiB | ${fmt(done.stats.bytesRead / MIB / seconds)} MB/s | ${fmt(seconds, 2)} s | ${fmt(log.size / MIB, 2)} MiB | ${fmt(loop.percentile(99) / 1e6)} / ${fmt(loop.max / 1e6)} ms | ${fmt(idle.percentile(99) / 1e6)} / ${fmt(idle.max / 1e6)} ms |`,
    )
    await logs.close()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

// ---- produce latency beside the cleaner, broker in a child process

interface Child {
  command(line: string): Promise<string>
  cleaned: Array<{ at: number; entry: Record<string, unknown> }>
  close(): Promise<void>
  bootstrap: string
}

async function startChild(dataDir: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'cleaner', 'server.ts'), dataDir], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: proc.stdout })
  const waiting: Array<(line: string) => void> = []
  const cleaned: Child['cleaned'] = []
  let ready: (bootstrap: string) => void
  const bootstrap = new Promise<string>((resolve) => (ready = resolve))
  lines.on('line', (line) => {
    const msg = JSON.parse(line === 'ok' ? '"ok"' : line) as string | { bootstrap?: string; cleaned?: Record<string, unknown> }
    if (typeof msg === 'object' && msg.bootstrap) return ready(msg.bootstrap)
    if (typeof msg === 'object' && msg.cleaned) return void cleaned.push({ at: performance.now(), entry: msg.cleaned })
    waiting.shift()?.(line)
  })
  return {
    bootstrap: await bootstrap,
    cleaned,
    command: (line) =>
      new Promise((resolve) => {
        waiting.push(resolve)
        proc.stdin.write(`${line}\n`)
      }),
    close: () =>
      new Promise((resolve) => {
        proc.once('exit', () => resolve())
        proc.stdin.end()
      }),
  }
}

function produceFrame(topic: string, batch: Buffer, correlationId: number): Buffer {
  const w = new Writer(batch.length + 256)
  w.writeInt32(0)
  encodeRequestHeader(w, requestHeaderVersion(Produce.apiKey, PRODUCE_VERSION), { requestApiKey: Produce.apiKey, requestApiVersion: PRODUCE_VERSION, correlationId, clientId: 'bench-fill' })
  Produce.encodeRequest(w, PRODUCE_VERSION, { transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] })
  const frame = w.toBuffer()
  frame.writeInt32BE(frame.length - 4, 0)
  return frame
}

/** Produces `mib` MiB of keyed batches to `topic`, 8 requests in flight. */
async function fill(host: string, port: number, topic: string, mib: number): Promise<void> {
  const socket = await open(host, port)
  const total = Math.ceil((mib * MIB) / keyedBatch(0).length)
  let sent = 0
  let acked = 0
  await new Promise<void>((resolve, reject) => {
    const next = (): void => {
      while (sent < total && sent - acked < 8) socket.write(produceFrame(topic, keyedBatch(sent), ++sent))
    }
    const framer = new Framer((frame) => {
      const p = decodeProduceResponse(frame).responses[0]!.partitionResponses[0]!
      if (p.errorCode !== 0) return reject(new Error(`fill: produce error ${p.errorCode}`))
      if (++acked === total) resolve()
      else next()
    })
    socket.on('data', (chunk: Buffer) => framer.push(chunk))
    socket.once('error', reject)
    next()
  })
  socket.destroy()
}

async function brokerPhases(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'brook-bench-cleaner-broker-'))
  const child = await startChild(dataDir)
  try {
    const [host, port] = [child.bootstrap.split(':')[0]!, Number(child.bootstrap.split(':')[1])]
    const compacted = { 'cleanup.policy': 'compact', 'segment.bytes': String(16 * MIB), 'min.cleanable.dirty.ratio': '1' }
    await child.command(`create compacted ${JSON.stringify(compacted)}`)
    await child.command('create lat-without {}')
    await child.command('create lat-with {}')
    await fill(host, port, 'compacted', Number(values.mib))
    const rate = Number(values.rate)
    const seconds = Number(values.seconds)
    // Warm-up on its own topic, so both phases meet a warm broker.
    await child.command('create warmup {}')
    await runLatency({ host, port, topic: 'warmup', rate, seconds: 2 })
    await child.command('loop')

    const without = await runLatency({ host, port, topic: 'lat-without', rate, seconds })
    const loopWithout = JSON.parse(await child.command('loop')) as { loop: { p99: number; max: number; gcMax: number } }

    await child.command('config compacted min.cleanable.dirty.ratio 0.01')
    const phaseStart = performance.now()
    const withCleaner = await runLatency({ host, port, topic: 'lat-with', rate, seconds })
    const phaseEnd = performance.now()
    const loopWith = JSON.parse(await child.command('loop')) as { loop: { p99: number; max: number; gcMax: number } }
    while (child.cleaned.length === 0) await new Promise((r) => setTimeout(r, 100))
    const clean = child.cleaned[0]!
    const stats = clean.entry.stats as { bytesRead: number }
    const cleanMs = clean.entry.ms as number

    console.log(`\nProduce beside the cleaner: ${rate} msg/s of 1 KiB for ${seconds} s per phase, compacted topic of ${values.mib} MiB, broker in its own process\n`)
    console.log('| phase | produce p50 | produce p99 | produce p99.9 | produce max | end-to-end p99 | broker event-loop delay p99 / max | broker GC pause max |')
    console.log('|---|---|---|---|---|---|---|---|')
    // The messages sent while the clean ran (the producer sends at a fixed rate from the phase's start).
    const first = Math.max(0, Math.floor(((clean.at - cleanMs - phaseStart) * rate) / 1000))
    const last = Math.min(withCleaner.produce.length, Math.ceil(((clean.at - phaseStart) * rate) / 1000))
    const during = { produce: withCleaner.produce.subarray(first, last), endToEnd: withCleaner.endToEnd.subarray(first, last) }
    const rows = [
      ['without cleaner', without, `${fmt(loopWithout.loop.p99, 1)} / ${fmt(loopWithout.loop.max, 1)} ms | ${fmt(loopWithout.loop.gcMax, 1)} ms`],
      ['second phase, all', withCleaner, `${fmt(loopWith.loop.p99, 1)} / ${fmt(loopWith.loop.max, 1)} ms | ${fmt(loopWith.loop.gcMax, 1)} ms`],
      [`second phase, sent during the clean (${last - first})`, during, ' | '],
    ] as const
    for (const [name, r, loop] of rows) {
      const p = percentiles(r.produce)
      const e = percentiles(r.endToEnd)
      console.log(`| ${name} | ${fmt(p.p50, 2)} ms | ${fmt(p.p99, 2)} ms | ${fmt(p.p999, 2)} ms | ${fmt(p.max, 2)} ms | ${fmt(e.p99, 2)} ms | ${loop} |`)
    }
    const overlap = Math.min(1, (Math.min(clean.at, phaseEnd) - Math.max(phaseStart, clean.at - cleanMs)) / (phaseEnd - phaseStart))
    console.log(
      `\nThe broker's clean: ${fmt(stats.bytesRead / MIB)} MiB in ${fmt(cleanMs / 1000, 2)} s = ${fmt(stats.bytesRead / MIB / (cleanMs / 1000))} MB/s; it was running for ${fmt(overlap * 100, 0)}% of the second phase.`,
    )
  } finally {
    await child.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}

console.log(`Cleaner throughput (this process, one clean of a log of ${values['local-mib']} MiB, ${KEYS} keys, ${VALUE_BYTES}-byte values, ${RECORDS_PER_BATCH} records a batch)\n`)
console.log('| batches | log | cleaned | time | after | event-loop delay p99 / max while cleaning | idle, just before |')
console.log('|---|---|---|---|---|---|---|')
await localClean(CompressionType.None)
await localClean(CompressionType.Lz4)
await brokerPhases()
