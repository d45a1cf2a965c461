/**
 * Start-up benchmark: time from spawning `node bin/brook start` to the first answered Metadata
 * request, beside the same for a bare `node -e` TCP listener that answers one frame, measured in
 * the same run and interleaved so both see the same machine load.
 *
 *     npm run build && npx tsx bench/startup.ts [runs=20] [entry=bin/brook]
 *
 * The client retries connecting every millisecond, as a test fixture polling for its broker would.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { encodeRequestHeader } from '../src/protocol/generated/headers.js'
import { Metadata } from '../src/protocol/generated/metadata.js'
import { Writer } from '../src/protocol/primitives/writer.js'

const runs = Number(process.argv[2] ?? 20)
const root = fileURLToPath(new URL('..', import.meta.url))
const brookBin = process.argv[3] ?? join(root, 'bin', 'brook')
const GOAL_RATIO = 1.5

// A listener that answers the first frame it reads with a 4-byte body, then closes.
const BARE_LISTENER = `
const port = Number(process.argv[1])
require('node:net').createServer((s) => {
  let buf = Buffer.alloc(0)
  s.on('data', (d) => {
    buf = Buffer.concat([buf, d])
    if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) s.end(Buffer.from([0, 0, 0, 4, 0, 0, 0, 1]))
  })
}).listen(port, '127.0.0.1')
`

function metadataRequest(): Buffer {
  const w = new Writer()
  encodeRequestHeader(w, 1, { requestApiKey: Metadata.apiKey, requestApiVersion: 1, correlationId: 1, clientId: 'bench' })
  Metadata.encodeRequest(w, 1, {
    topics: null,
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  })
  const body = w.toBuffer()
  const size = Buffer.alloc(4)
  size.writeInt32BE(body.length)
  return Buffer.concat([size, body])
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (!address || typeof address !== 'object') throw new Error('no port')
  return address.port
}

/** Connects (retrying until the listener is up), sends one frame, resolves on a whole response frame. */
function firstAnswer(port: number, request: Buffer, child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) return reject(new Error(`process exited with ${child.exitCode}`))
      const socket = connect(port, '127.0.0.1')
      let received = Buffer.alloc(0)
      socket.once('connect', () => socket.write(request))
      socket.on('data', (d: Buffer) => {
        received = Buffer.concat([received, d])
        if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
          socket.destroy()
          resolve()
        }
      })
      socket.once('error', () => {
        socket.destroy()
        setTimeout(attempt, 1)
      })
    }
    attempt()
  })
}

async function measure(args: string[], port: number, request: Buffer): Promise<number> {
  const start = performance.now()
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  try {
    await firstAnswer(port, request, child)
    return performance.now() - start
  } finally {
    child.kill('SIGKILL')
    await exited
  }
}

function stats(samples: number[]): { median: number; p90: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
  return { median: at(0.5), p90: at(0.9) }
}

async function main(): Promise<void> {
  const request = metadataRequest()
  const bare: number[] = []
  const brook: number[] = []
  for (let i = 0; i < runs; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'brook-bench-'))
    try {
      const barePort = await freePort()
      bare.push(await measure(['-e', BARE_LISTENER, String(barePort)], barePort, request))
      const port = await freePort()
      brook.push(
        await measure(
          [brookBin, 'start', '--log-level', 'warn', '--override', `log.dirs=${dataDir}`, '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`],
          port,
          request,
        ),
      )
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  const b = stats(bare)
  const k = stats(brook)
  const ratio = k.median / b.median
  const fmt = (n: number): string => `${n.toFixed(1)} ms`
  console.log(`start-up to first answered request, ${runs} cold starts each (node ${process.version})`)
  console.log(`  bare node listener   median ${fmt(b.median)}   p90 ${fmt(b.p90)}`)
  console.log(`  brook start          median ${fmt(k.median)}   p90 ${fmt(k.p90)}`)
  console.log(`  ratio (medians)      ${ratio.toFixed(2)}x   goal <= ${GOAL_RATIO}x   ${ratio <= GOAL_RATIO ? 'met' : 'NOT met'}`)
}

await main()
