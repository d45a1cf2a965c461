/**
 * The server side of bench/produce.ts, in its own process so that the load generator's work does
 * not count against it: a Brook broker, and beside it the baseline, a bare Node TCP server that
 * appends every request frame it receives to a file and answers each with a tiny frame.
 *
 * Baseline: frames are read as they arrive; whatever arrived while a write was in flight goes out
 * in one writev at the file's end (as any Node program appending a stream would), then each of
 * those frames gets its 8-byte answer (size, correlation id), in order. One file per connection,
 * removed when the connection closes.
 *
 * Prints one JSON line ({ bootstrap, baselinePort }) once ready. Then reads commands on stdin, one
 * per line, and answers "ok" on stdout: `create <topic> <partitions>`, `delete <topic>`; and `cpu`,
 * answered with the CPU time this process has used ({ cpuMs }, all threads, user + system). Exits
 * when stdin closes.
 *   argv: <data dir>
 */
import * as fs from 'node:fs'
import { rm } from 'node:fs/promises'
import { createServer, type Socket } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Framer } from './wire.js'

// The compiled broker (npm run build), as users run it: tsx would add a __name() call per closure
// to src/. Typed by src/, loaded from dist/ (which a fresh clone's type check does not have yet).
const dist = (path: string): URL => new URL(`../../dist/${path}`, import.meta.url)
const { Broker } = (await import(dist('broker.js').href)) as typeof import('../../src/broker.js')
const { createLogger } = (await import(dist('log.js').href)) as typeof import('../../src/log.js')

const dataDir = process.argv[2]!

const broker = await Broker.start({
  configSources: [
    {
      name: 'bench',
      entries: new Map([
        ['listeners', 'PLAINTEXT://127.0.0.1:0'],
        ['log.dirs', join(dataDir, 'brook')],
        // Deleted topics leave the disk at once: the runs would otherwise fill it.
        ['log.segment.delete.delay.ms', '0'],
      ]),
    },
  ],
  log: createLogger({ level: 'warn' }),
})

let connections = 0

function serveBaseline(socket: Socket): void {
  socket.setNoDelay(true)
  const path = join(dataDir, `baseline-${++connections}.log`)
  const fd = fs.openSync(path, 'w')
  let position = 0
  let queued: Buffer[] = []
  let writing = false
  const flush = (): void => {
    if (writing || queued.length === 0) return
    writing = true
    const bufs = queued
    queued = []
    let bytes = 0
    for (const b of bufs) bytes += b.length
    fs.writev(fd, bufs, position, (err) => {
      writing = false
      if (err) return socket.destroy(err)
      position += bytes
      socket.cork()
      for (const frame of bufs) {
        const answer = Buffer.allocUnsafe(8)
        answer.writeInt32BE(4, 0)
        answer.writeInt32BE(frame.readInt32BE(4), 4)
        socket.write(answer)
      }
      socket.uncork()
      flush()
    })
  }
  const framer = new Framer((frame) => {
    queued.push(frame)
    flush()
  })
  socket.on('data', (chunk: Buffer) => framer.push(chunk))
  socket.on('error', () => socket.destroy())
  socket.on('close', () => {
    fs.closeSync(fd)
    void rm(path, { force: true })
  })
}

const baseline = createServer(serveBaseline)
await new Promise<void>((resolve) => baseline.listen(0, '127.0.0.1', resolve))
const address = baseline.address()
if (address === null || typeof address === 'string') throw new Error('baseline server has no port')
console.log(JSON.stringify({ bootstrap: broker.bootstrap, baselinePort: address.port }))

for await (const line of createInterface({ input: process.stdin })) {
  const [command, topic, partitions] = line.trim().split(' ')
  if (command === 'cpu') {
    const { user, system } = process.cpuUsage()
    console.log(JSON.stringify({ cpuMs: (user + system) / 1000 }))
    continue
  }
  if (command === 'create') await broker.cluster.createTopic({ name: topic!, partitions: Number(partitions) })
  else if (command === 'delete') await broker.cluster.admin.deleteTopics([{ name: topic! }])
  else throw new Error(`unknown command: ${line}`)
  console.log('ok')
}
baseline.close()
await broker.close()
