/**
 * Produce benchmark (not a timed test), of the compiled broker in dist/:
 *   npm run build && npx tsx bench/produce.ts [--mib 256] [--depth 8] [--rounds 2] [--rate 5000] [--seconds 10] [--warmup-seconds 3]
 *                            [--only <row>|latency] [--brook-only] [--cpu-prof] [--callgrind]
 *
 * Throughput: a Node load generator builds each Produce request once (1 KiB records in 16 KiB or
 * 64 KiB batches, one batch per partition) and resends it over one connection with `depth`
 * requests in flight, for acks=1 and acks=-1 and 1 and 16 partitions. Beside each, the baseline:
 * a bare Node TCP server that appends the same frames to a file and answers each with a tiny
 * frame. Both servers run in one child process (bench/produce/server.ts); runs alternate (who
 * goes first swaps each round), each after the machine's dirty pages are written back; each row
 * sends `--mib` MiB of batches per round.
 *
 * brook/baseline compares the MB/s over all rounds and, in brackets, each side's fastest round.
 * Beside MB/s, the server process's CPU time per GiB for each (the least of the rounds): wall
 * time on a shared machine swings with the neighbours' load, CPU time less; the ratio
 * baseline/brook is the share of the baseline's efficiency Brook reaches. `--callgrind` runs the
 * server under valgrind's callgrind and counts instructions instead (per MiB, switched on with
 * callgrind_control around each run): slow, but the same on a loaded machine as on an idle one.
 * Its MB/s and latencies mean nothing; use `--mib 16` or so.
 *
 * Latency: `--rate` 1 KiB messages a second for `--seconds`, each in its own request, with a
 * long-polling Fetch consumer: produce ack and produce→fetch (end-to-end) percentiles, after a
 * warm-up run of `--warmup-seconds` at the same rate.
 *
 * `--cpu-prof` profiles the server process (the .cpuprofile lands in the current directory);
 * with `--only <row>` (1-based: that throughput row alone) and `--brook-only` (no baseline runs)
 * the profile shows Brook's produce path alone. `--only latency` runs the fixed-rate part alone.
 * BENCH_DIR chooses where the data goes (default: the OS temp dir).
 */
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs, promisify } from 'node:util'
import { runLatency } from './produce/latency.js'
import { runLoad, type LoadResult } from './produce/load.js'
import { decodeProduceResponse, percentiles, produceFrame, recordsPerBatch } from './produce/wire.js'
import { stealMeter, writeBackDirtyPages } from './storage/common.js'

const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '256' },
    depth: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '10' },
    'warmup-seconds': { type: 'string', default: '3' },
    only: { type: 'string' },
    'brook-only': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    callgrind: { type: 'boolean', default: false },
  },
})

interface Scenario {
  partitions: number
  batchKiB: number
  acks: number
}

const SCENARIOS: Scenario[] = [
  { partitions: 1, batchKiB: 16, acks: 1 },
  { partitions: 1, batchKiB: 16, acks: -1 },
  { partitions: 1, batchKiB: 64, acks: 1 },
  { partitions: 16, batchKiB: 16, acks: 1 },
  { partitions: 16, batchKiB: 16, acks: -1 },
]
const MiB = 1024 * 1024
const depth = Number(values.depth)
const rounds = Number(values.rounds)

const dir = await mkdtemp(join(process.env.BENCH_DIR ?? tmpdir(), 'brook-produce-'))
const nodeArgs = ['--import', 'tsx', ...(values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', process.cwd()] : [])]
const serverArgs = [...nodeArgs, join(import.meta.dirname, 'produce', 'server.ts'), dir]
const server = values.callgrind
  ? spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${join(dir, 'callgrind.out')}`, process.execPath, ...serverArgs], {
      stdio: ['pipe', 'pipe', 'ignore'],
    })
  : spawn(process.execPath, serverArgs, { stdio: ['pipe', 'pipe', 'inherit'] })
const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]()
const nextLine = async (): Promise<string> => {
  const { value, done } = await lines.next()
  if (done) throw new Error('the benchmark server exited')
  return value as string
}
const command = async (line: string): Promise<void> => {
  server.stdin!.write(`${line}\n`)
  if ((await nextLine()) !== 'ok') throw new Error(`server refused: ${line}`)
}
const serverCpuMs = async (): Promise<number> => {
  server.stdin!.write('cpu\n')
  return (JSON.parse(await nextLine()) as { cpuMs: number }).cpuMs
}
const callgrindControl = promisify(execFile)
const callgrind = async (...args: string[]): Promise<string> => (await callgrindControl('callgrind_control', [...args, String(server.pid)])).stdout
/** A run and the server's work during it: CPU ms, or with --callgrind instructions (all threads). */
const withCost = async (run: () => Promise<LoadResult>): Promise<LoadResult & { cost: number }> => {
  if (values.callgrind) {
    await callgrind('-i', 'on')
    await callgrind('-z')
    const result = await run()
    const totals = await callgrind('-e')
    await callgrind('-i', 'off')
    let instructions = 0
    for (const m of totals.matchAll(/Th \d+\s+([\d,]+)/g)) instructions += Number(m[1]!.replaceAll(',', ''))
    return { ...result, cost: instructions }
  }
  const before = await serverCpuMs()
  const result = await run()
  return { ...result, cost: (await serverCpuMs()) - before }
}

const stat = (ms: Float64Array): string => {
  const p = percentiles(ms)
  return `${p.p50.toFixed(2)} / ${p.p99.toFixed(2)} / ${p.p999.toFixed(2)}`
}

const steal = stealMeter()
try {
  const ready = JSON.parse(await nextLine()) as { bootstrap: string; baselinePort: number }
  const [host, port] = ready.bootstrap.split(':') as [string, string]
  const rows: string[][] = []
  let run = 0
  const only = values.only ?? null
  const scenarios = only === null ? SCENARIOS : only === 'latency' ? [] : [SCENARIOS[Number(only) - 1]!]
  for (const s of scenarios) {
    const records = recordsPerBatch(s.batchKiB * 1024)
    const topic = `bench-${++run}`
    const { frame, batchBytes } = produceFrame(topic, s.partitions, records, s.acks)
    const requests = Math.max(1, Math.round((Number(values.mib) * MiB) / batchBytes))
    const warmup = Math.min(200, requests)
    let brookMs = 0
    let bareMs = 0
    // Each side's fastest round: a neighbour's burst of load slows one round, rarely all of them.
    let brookBestMs = Infinity
    let bareBestMs = Infinity
    let brookCost = Infinity
    let bareCost = Infinity
    const brookLatencies: Float64Array[] = []
    const bareLatencies: Float64Array[] = []
    for (let round = 0; round < rounds; round++) {
      await command(`create ${topic} ${s.partitions}`)
      let expectedNext = 0
      const check = (answer: Buffer, last: boolean): void => {
        for (const p of decodeProduceResponse(answer).responses[0]!.partitionResponses) {
          if (p.errorCode !== 0) throw new Error(`partition ${p.index}: error ${p.errorCode}`)
          if (last) expectedNext = Number(p.baseOffset) + records
        }
      }
      const brook = () => {
        writeBackDirtyPages()
        return withCost(() => runLoad({ host, port: Number(port), frame, depth, warmup, requests, check }))
      }
      const bare = () => {
        if (values['brook-only']) return Promise.resolve({ ms: NaN, cost: NaN, latencies: new Float64Array(0) })
        writeBackDirtyPages()
        return withCost(() => runLoad({ host: '127.0.0.1', port: ready.baselinePort, frame, depth, warmup, requests }))
      }
      let b: LoadResult & { cost: number }
      let p: LoadResult & { cost: number }
      if (round % 2 === 0) {
        b = await brook()
        p = await bare()
      } else {
        p = await bare()
        b = await brook()
      }
      if (expectedNext !== (warmup + requests) * records) throw new Error(`Brook appended ${expectedNext} records per partition, not ${(warmup + requests) * records}`)
      brookMs += b.ms
      bareMs += p.ms
      brookBestMs = Math.min(brookBestMs, b.ms)
      bareBestMs = Math.min(bareBestMs, p.ms)
      brookCost = Math.min(brookCost, b.cost)
      bareCost = Math.min(bareCost, p.cost)
      brookLatencies.push(b.latencies)
      bareLatencies.push(p.latencies)
      await command(`delete ${topic}`)
    }
    const bytes = requests * batchBytes * rounds
    const brookMBps = bytes / MiB / (brookMs / 1000)
    const bareMBps = bytes / MiB / (bareMs / 1000)
    rows.push([
      `${s.partitions} partition${s.partitions > 1 ? 's' : ''}, ${s.batchKiB} KiB batches, acks=${s.acks}`,
      `${brookMBps.toFixed(0)} MB/s`,
      `${((requests * records * s.partitions * rounds) / (brookMs / 1000) / 1000).toFixed(0)}k rec/s`,
      stat(concat(brookLatencies)),
      `${bareMBps.toFixed(0)} MB/s`,
      stat(concat(bareLatencies)),
      `${((brookMBps / bareMBps) * 100).toFixed(0)}% (${((bareBestMs / brookBestMs) * 100).toFixed(0)}%)`,
      `${perByte(brookCost, bytes / rounds)} / ${perByte(bareCost, bytes / rounds)} (${((bareCost / brookCost) * 100).toFixed(0)}%)`,
    ])
  }
  if (rows.length > 0) printTable(['produce', 'brook', 'records', 'latency p50/p99/p99.9 ms', 'baseline', 'baseline latency', 'brook/baseline (best rounds)', values.callgrind ? 'server instructions per MiB: brook / baseline' : 'server CPU per GiB: brook / baseline'], rows)
  if (only === null || only === 'latency') {
    // The first seconds of a fresh process are JIT warm-up (and tsx compiling modules on first use):
    // a throwaway run at the same rate on its own topic takes them, so that steady state is measured.
    const run = async (topic: string, seconds: number) => {
      await command(`create ${topic} 1`)
      const result = await runLatency({ host, port: Number(port), topic, rate: Number(values.rate), seconds })
      await command(`delete ${topic}`)
      return result
    }
    await run('bench-latency-warmup', Number(values['warmup-seconds']))
    const cpu0 = await serverCpuMs()
    const l = await run('bench-latency', Number(values.seconds))
    const cpuPerMessage = ((await serverCpuMs()) - cpu0) / l.messages
    const pe = percentiles(l.produce)
    const ee = percentiles(l.endToEnd)
    console.log(`\nFixed rate: ${l.messages} messages of 1 KiB at ${l.achievedRate.toFixed(0)} msg/s, one per request, acks=1; server CPU ${(cpuPerMessage * 1000).toFixed(0)} µs per message`)
    printTable(
      ['latency (ms)', 'p50', 'p99', 'p99.9', 'max'],
      [
        ['produce ack', ...[pe.p50, pe.p99, pe.p999, pe.max].map((x) => x.toFixed(2))],
        ['produce → fetch', ...[ee.p50, ee.p99, ee.p999, ee.max].map((x) => x.toFixed(2))],
      ],
    )
  }
  console.log(steal())
} finally {
  server.stdin!.end()
  await new Promise((resolve) => server.once('exit', resolve))
  await rm(dir, { recursive: true, force: true })
}

/** One round's server cost per amount of batches (counted over the timed requests; the warm-up adds a few percent). */
function perByte(cost: number, bytes: number): string {
  return values.callgrind ? `${(cost / (bytes / MiB) / 1e6).toFixed(1)} M` : `${(cost / (bytes / (1024 * MiB))).toFixed(0)} ms`
}

function concat(xs: Float64Array[]): Float64Array {
  return Float64Array.from(xs.flatMap((x) => [...x]))
}

function printTable(head: string[], rows: string[][]): void {
  const cells = [head, ...rows]
  const widths = head.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)))
  const line = (row: string[]): string => `| ${row.map((x, c) => x.padEnd(widths[c]!)).join(' | ')} |`
  console.log(line(head))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of rows) console.log(line(row))
}
