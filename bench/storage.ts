/**
 * Storage benchmark (not a timed test): `npx tsx bench/storage.ts [--mib N] [--partitions N] [--recovery-mib N]`.
 * Each throughput figure stands next to a plain fs loop moving the same bytes in the same run.
 * Defaults finish in well under two minutes on 2 cores; `--recovery-mib 1024` gives the 1 GiB figure.
 * BENCH_DIR chooses where the temp files go (default: the OS temp dir).
 */
import { parseArgs } from 'node:util'
import { benchAppendAndRead } from './storage/append-read.js'
import { printTable, stealMeter } from './storage/common.js'
import { benchCrc } from './storage/crc.js'
import { benchRecovery } from './storage/recovery.js'

const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '512' },
    partitions: { type: 'string', default: '100' },
    'recovery-mib': { type: 'string', default: '256' },
  },
})

const mbps = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(0)).padStart(6)

const steal = stealMeter()
console.log('CRC-32C (MB/s)')
for (const f of benchCrc())
  console.log(`  ${String(f.bytes).padStart(8)} B: js ${mbps(f.jsMBps)}   addon ${mbps(f.addonMBps)}   @node-rs/crc32 ${mbps(f.packageMBps)}`)

console.log('\nThroughput (1 KiB records in 16 KiB batches)')
printTable(await benchAppendAndRead(Number(values.mib), Number(values.partitions)))

const r = await benchRecovery(Number(values['recovery-mib']))
console.log(`\nRestart of a ${r.mib} MiB log (${r.logEndOffset} records): after kill -9 ${r.uncleanMs.toFixed(0)} ms, after a clean shutdown ${r.cleanMs.toFixed(0)} ms`)
console.log(steal())
