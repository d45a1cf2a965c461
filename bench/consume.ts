/**
 * Consume benchmark (not a timed test):
 *   npx tsx bench/consume.ts [--mib 256] [--partitions 4] [--depth 4] [--rounds 3] [--cpu-prof] [--only brook|baseline|reusing]
 * Fills a topic with a backlog (`--mib 1024` for the 1 GiB) of 1 KiB records in 16 KiB
 * batches, then consumes it from offset 0 with pipelined Fetch requests (50 MiB per response,
 * 1 MiB per partition, as the Java consumer asks), beside two baselines: bare Node servers that
 * read the same segment files and write them to a socket, one into a new buffer per read (the
 * plainest loop, which pays for V8's collections of those buffers), one reusing its buffers once
 * written, as Brook does. All servers run in one child process; the consumers take turns (the
 * order reverses each round). Reported: the median
 * round's MB/s (the backlog's bytes over the time to receive them all), and the server process's
 * CPU time (all threads) and full collections per GiB delivered, which neighbours' load disturbs
 * less than wall time.
 * `--cpu-prof` profiles the server process (the .cpuprofile lands in the current directory).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { consumeBaseline, consumeBrook, type BacklogPartition, type ConsumeOptions } from './consume/client.js'
import { MiB, printTable, stealMeter, throughputRow, timed, type Row } from './storage/common.js'

const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '256' },
    partitions: { type: 'string', default: '4' },
    depth: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    'cpu-prof': { type: 'boolean', default: false },
    /** Consume through one server only (to profile it alone): brook, baseline or reusing. */
    only: { type: 'string' },
  },
})

const MAX_BYTES = 50 * 1024 * 1024
const PARTITION_MAX_BYTES = 1024 * 1024
const partitions = Number(values.partitions)

interface Ready {
  bootstrap: string
  baselinePort: number
  reusingPort: number
  topic: string
  partitions: BacklogPartition[]
}

const dir = await mkdtemp(join(process.env.BENCH_DIR ?? tmpdir(), 'brook-consume-'))
const nodeArgs = ['--import', 'tsx', ...(values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', process.cwd()] : [])]
const server = spawn(process.execPath, [...nodeArgs, join(import.meta.dirname, 'consume', 'server.ts'), dir, values.mib, String(partitions), String(PARTITION_MAX_BYTES)], {
  stdio: ['pipe', 'pipe', 'inherit'],
})
try {
  const filling = Date.now()
  const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]()
  const nextLine = async (): Promise<string> => {
    const { value, done } = await lines.next()
    if (done) throw new Error('the server process ended')
    return value as string
  }
  const ready = JSON.parse(await nextLine()) as Ready
  const total = ready.partitions.reduce((n, p) => n + p.size, 0)
  console.log(`backlog: ${(total / MiB).toFixed(0)} MiB in ${partitions} partitions, filled in ${Date.now() - filling} ms`)

  const serverUsage = async (): Promise<{ cpuMs: number; markCompacts: number }> => {
    server.stdin!.write('cpu\n')
    return JSON.parse(await nextLine()) as { cpuMs: number; markCompacts: number }
  }
  const [host, port] = ready.bootstrap.split(':') as [string, string]
  const base: Omit<ConsumeOptions, 'host' | 'port'> = {
    partitions: ready.partitions,
    depth: Math.min(Number(values.depth), partitions),
    maxBytes: MAX_BYTES,
    partitionMaxBytes: PARTITION_MAX_BYTES,
  }
  const consumers = {
    brook: () => consumeBrook({ ...base, host, port: Number(port) }, ready.topic),
    baseline: () => consumeBaseline({ ...base, host: '127.0.0.1', port: ready.baselinePort }),
    reusing: () => consumeBaseline({ ...base, host: '127.0.0.1', port: ready.reusingPort }),
  }
  type Consumer = keyof typeof consumers
  interface Run {
    ms: number
    cpuMs: number
    markCompacts: number
  }
  /** One consumption of the whole backlog: wall time, the server's CPU time and its full collections. */
  const measure = async (which: Consumer): Promise<Run> => {
    const before = await serverUsage()
    let got = 0
    const ms = await timed(async () => void (got = await consumers[which]()))
    if (got !== total) throw new Error(`${which} delivered ${got} of ${total} bytes`)
    const after = await serverUsage()
    return { ms, cpuMs: after.cpuMs - before.cpuMs, markCompacts: after.markCompacts - before.markCompacts }
  }
  const steal = stealMeter()
  const runs: Record<Consumer, Run[]> = { brook: [], baseline: [], reusing: [] }
  const order: Consumer[] = values.only ? [values.only as Consumer] : ['brook', 'baseline', 'reusing']
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const which of round % 2 === 0 ? order : [...order].reverse()) runs[which].push(await measure(which))
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
  const gib = total / (1024 * MiB)
  const perGib = (which: Consumer, of: (r: Run) => number): number => median(runs[which].map(of)) / gib
  const label = `${partitions} partitions, ${base.depth} in flight`
  const against = (baseline: Exclude<Consumer, 'brook'>, what: string): Row[] => {
    const cpu = { brook: perGib('brook', (r) => r.cpuMs), baseline: perGib(baseline, (r) => r.cpuMs) }
    return [
      throughputRow(`consume, ${label}: ${what} (median of ${values.rounds})`, total, median(runs.brook.map((r) => r.ms)), median(runs[baseline].map((r) => r.ms))),
      { name: '  server CPU per GiB', ours: `${cpu.brook.toFixed(0)} ms`, baseline: `${cpu.baseline.toFixed(0)} ms`, ratio: `${((cpu.baseline / cpu.brook) * 100).toFixed(0)}%` },
      { name: '  server mark-compacts per GiB', ours: perGib('brook', (r) => r.markCompacts).toFixed(1), baseline: perGib(baseline, (r) => r.markCompacts).toFixed(1), ratio: '' },
    ]
  }
  printTable([...against('baseline', 'bare loop, a new buffer per read'), ...against('reusing', 'bare loop reusing its buffers')])
  console.log(steal())
} finally {
  server.stdin!.end()
  await new Promise((resolve) => server.once('exit', resolve))
  await rm(dir, { recursive: true, force: true })
}
