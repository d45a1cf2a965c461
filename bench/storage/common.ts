/** Shared pieces of the benchmarks: batches, temp dirs, timing, table output, the host's steal. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildBatch } from '../../src/protocol/records/batch-builder.js'

export const MiB = 1024 * 1024

/** A batch of 1 KiB records filling about 16 KiB, as the benchmark asks. */
export function batch16k(seed: number): Buffer {
  const records = Array.from({ length: 15 }, (_, i) => ({ timestamp: Date.now(), key: null, value: Buffer.alloc(1024, (seed + i) & 0xff) }))
  return buildBatch(records)
}

/** `n` distinct batches, so that appends in flight never share a buffer (append stamps offsets in place). */
export function batchPool(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => batch16k(i))
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(process.env.BENCH_DIR ?? tmpdir(), 'brook-bench-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Writes back every dirty page of the machine (sync(1)) before a measurement, so that the kernel's
 * writeback of earlier rounds (past 10% of memory dirty, background flusher threads start) does not
 * compete for the CPUs with the one measured, favouring whichever side happens to run after it.
 */
export function writeBackDirtyPages(): void {
  execFileSync('sync')
}

export async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - t0) / 1e6
}

export const mbps = (bytes: number, ms: number): number => bytes / MiB / (ms / 1000)

export interface Row {
  name: string
  ours: string
  baseline: string
  ratio: string
}

export function printTable(rows: Row[]): void {
  const head = ['measure', 'brook', 'plain loop', 'brook / plain']
  const cells = [head, ...rows.map((r) => [r.name, r.ours, r.baseline, r.ratio])]
  const widths = head.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)))
  const line = (row: string[]): string => `| ${row.map((x, c) => x.padEnd(widths[c]!)).join(' | ')} |`
  console.log(line(head))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of cells.slice(1)) console.log(line(row))
}

export function throughputRow(name: string, bytes: number, oursMs: number, plainMs: number): Row {
  const o = mbps(bytes, oursMs)
  const p = mbps(bytes, plainMs)
  return { name, ours: `${o.toFixed(0)} MB/s`, baseline: `${p.toFixed(0)} MB/s`, ratio: `${((o / p) * 100).toFixed(0)}%` }
}

/**
 * Returns a function describing the share of CPU time the hypervisor gave to other guests (steal)
 * since this call, from /proc/stat ('n/a' where there is no such file). On a shared virtual
 * machine steal is what moves figures between runs: a stolen CPU stalls whatever ran on it.
 */
export function stealMeter(): () => string {
  const read = (): { steal: number; total: number } | null => {
    try {
      const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number)
      return { steal: fields[7]!, total: fields.reduce((a, b) => a + b, 0) }
    } catch {
      return null
    }
  }
  const start = read()
  return () => {
    const now = read()
    if (start === null || now === null || now.total === start.total) return 'host steal: n/a'
    return `host steal: ${(((now.steal - start.steal) / (now.total - start.total)) * 100).toFixed(1)}% of CPU time`
  }
}
