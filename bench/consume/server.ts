/**
 * The server side of bench/consume.ts, in its own process so that the client's work does not
 * count against it: a Brook broker whose topic holds the backlog, and beside it the baselines,
 * bare Node TCP servers that answer each request with a read of the same segment files: into a
 * new buffer per read, or into one of their buffers already written to the socket.
 *
 * Baseline protocol: request = int32 size (12), int32 partition, int64 file position;
 * response = int32 length, then up to `partitionMaxBytes` bytes of that partition's segment
 * file from that position. One request is read and answered at a time, in order.
 *
 * Prints one JSON line ({ bootstrap, baselinePort, reusingPort, topic, partitions: [{ file, size, records }] })
 * once ready, answers "cpu" lines on stdin with its CPU time and mark-compact count, and runs until stdin closes.
 *   argv: <data dir> <MiB> <partitions> <partitionMaxBytes>
 */
import * as fs from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { constants, PerformanceObserver } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { Broker } from '../../src/broker.js'
import { createLogger } from '../../src/log.js'
import { LOG_SUFFIX, segmentFileName } from '../../src/storage/file-names.js'
import type { PartitionLog } from '../../src/storage/partition-log.js'
import { batchPool, MiB } from '../storage/common.js'

const read = promisify(fs.read)
const [dataDir, mibArg, partitionsArg, partitionMaxArg] = process.argv.slice(2)
const mib = Number(mibArg)
const partitions = Number(partitionsArg)
const partitionMaxBytes = Number(partitionMaxArg)
const TOPIC = 'backlog'

const broker = await Broker.start({
  configSources: [{ name: 'bench', entries: new Map([['listeners', 'PLAINTEXT://127.0.0.1:0'], ['log.dirs', dataDir!], ['log.segment.bytes', '2147483647']]) }],
  // stdout carries the answers to the parent; the broker's log goes to stderr.
  log: createLogger({ level: 'warn', destination: { write: (line: string) => process.stderr.write(line) } }),
})
await broker.cluster.createTopic({ name: TOPIC, partitions })

/** Appends 16 KiB batches of 1 KiB records until the partition holds its share of the backlog. */
async function fill(log: PartitionLog, bytes: number): Promise<void> {
  const pool = batchPool(64)
  let written = 0
  let next = 0
  const worker = async (): Promise<void> => {
    while (written < bytes) {
      const batch = pool[next++ % pool.length]!
      written += batch.length
      await log.append(Buffer.from(batch))
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
}

const files: { file: string; size: number; records: number }[] = []
for (let p = 0; p < partitions; p++) {
  const log = broker.replicas.partition(TOPIC, p)!
  await fill(log, (mib * MiB) / partitions)
  await log.flush()
  if (log.segmentCount !== 1) throw new Error('the baseline reads one segment file per partition: raise log.segment.bytes')
  files.push({ file: join(log.dir, segmentFileName(0, LOG_SUFFIX)), size: log.size, records: log.logEndOffset })
}

const fds = files.map((f) => fs.openSync(f.file, 'r'))

/** The bare loop: read the asked range of the file, write it behind a length. `reuse`: read into buffers already sent. */
function serveBaseline(socket: Socket, reuse: boolean): void {
  socket.setNoDelay(true)
  let pending: Buffer = Buffer.alloc(0)
  let busy = false
  const free: Buffer[] = []
  const next = async (): Promise<void> => {
    if (busy) return
    busy = true
    while (pending.length >= 16) {
      const partition = pending.readInt32BE(4)
      const position = Number(pending.readBigInt64BE(8))
      pending = pending.subarray(16)
      const length = Math.max(0, Math.min(partitionMaxBytes, files[partition]!.size - position))
      const buf = reuse ? (free.pop() ?? Buffer.allocUnsafe(partitionMaxBytes)) : Buffer.allocUnsafe(length)
      const { bytesRead } = await read(fds[partition]!, buf, 0, length, position)
      const size = Buffer.allocUnsafe(4)
      size.writeInt32BE(bytesRead)
      socket.cork()
      socket.write(size)
      socket.write(buf.subarray(0, bytesRead), reuse ? () => free.push(buf) : undefined)
      socket.uncork()
    }
    busy = false
  }
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    void next()
  })
  socket.on('error', () => {})
}

async function listen(reuse: boolean): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => serveBaseline(socket, reuse))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('baseline has no port')
  return { server, port: address.port }
}
const baseline = await listen(false)
const reusing = await listen(true)

console.log(JSON.stringify({ bootstrap: broker.bootstrap, baselinePort: baseline.port, reusingPort: reusing.port, topic: TOPIC, partitions: files }))

/** Full (mark-compact) collections so far: what a server that keeps or churns large buffers pays for. */
let markCompacts = 0
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) markCompacts++
}).observe({ entryTypes: ['gc'] })

// "cpu" on stdin: answer with the CPU time this process has used (all threads, user + system), in ms, and its mark-compacts.
const commands = createInterface({ input: process.stdin })
commands.on('line', (line) => {
  if (line !== 'cpu') return
  const { user, system } = process.cpuUsage()
  console.log(JSON.stringify({ cpuMs: (user + system) / 1000, markCompacts }))
})
commands.on('close', () => {
  baseline.server.close()
  reusing.server.close()
  for (const fd of fds) fs.closeSync(fd)
  void broker.close().then(() => process.exit(0))
})
