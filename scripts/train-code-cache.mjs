// Trains dist/bin/brook.cjs.cache: starts the bundled broker on a temporary data dir, makes the
// handshake a client makes (ApiVersions, then Metadata), and stops it with SIGTERM; the exiting
// process writes the code cache of everything compiled on that path (src/cli/code-cache.ts).
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiVersions } from '../dist/protocol/generated/api-versions.js'
import { Metadata } from '../dist/protocol/generated/metadata.js'
import { BrokerConnection } from '../dist/tools/client/broker-connection.js'

const CACHE = 'dist/bin/brook.cjs.cache'
const TIMEOUT_MS = 30_000

export async function trainCodeCache() {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-train-'))
  try {
    const args = ['bin/brook', 'start', '--override', `log.dirs=${dataDir}`, '--override', 'listeners=PLAINTEXT://127.0.0.1:0']
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS)
    try {
      const port = await boundPort(child)
      await handshake(port)
      child.kill('SIGTERM')
      const code = await exited
      if (code !== 0) throw new Error(`the training broker exited with ${code}`)
    } finally {
      clearTimeout(timer)
      child.kill('SIGKILL')
    }
    if (!existsSync(CACHE)) throw new Error(`the training broker wrote no ${CACHE}`)
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** The port in the broker's "started" log line. */
function boundPort(child) {
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk
      const match = /"msg":"started"/.test(out) && /"listeners":\["PLAINTEXT:\/\/127\.0\.0\.1:(\d+)"\]/.exec(out)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`the training broker exited with ${code} before it started`)))
  })
}

/** The handshake a client makes: ApiVersions, then Metadata. */
async function handshake(port) {
  const connection = await BrokerConnection.open({ host: '127.0.0.1', port }, 'brook-build')
  try {
    await connection.request(ApiVersions, 3, { clientSoftwareName: 'brook-build', clientSoftwareVersion: '0' })
    await connection.request(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
  } finally {
    connection.close()
  }
}
