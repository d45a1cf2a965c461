import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { startTestBroker } from '../helpers/broker.js'
import { BROOK_BIN } from '../helpers/cli.js'
import { eventually, tempDir } from '../helpers/index.js'
import { WARN, captureLogs } from '../helpers/log-capture.js'
import { RawClient } from '../helpers/raw-client.js'

const DEBUG = 20

describe('broker logs', () => {
  it('logs a connection opened and closed at debug, with its own child logger, and warns about a rejected request', async () => {
    const { logger, lines } = captureLogs('debug')
    const broker = await startTestBroker({ logger })
    try {
      const client = await RawClient.connect(broker.bootstrap)
      // Api key 999 does not exist: the request is rejected and the connection closed.
      const frame = Buffer.alloc(14)
      frame.writeInt16BE(999, 0)
      frame.writeInt16BE(0, 2)
      frame.writeInt32BE(7, 4)
      frame.writeInt16BE(2, 8)
      frame.write('cl', 10)
      client.sendFrame(frame.subarray(0, 12))
      await client.waitClosed()
      await eventually(() => expect(lines.some((l) => l.msg === 'connection closed')).toBe(true))
      const mine = lines.filter((l) => l['component'] === 'network' && typeof l['conn'] === 'number')
      const opened = mine.find((l) => l.msg === 'connection opened')
      expect(opened).toMatchObject({ level: DEBUG, listener: 'PLAINTEXT', remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/) })
      const conn = opened!['conn']
      expect(mine.find((l) => l.msg === 'connection closed')).toMatchObject({ level: DEBUG, conn })
      expect(mine.find((l) => l.level === WARN)).toMatchObject({ conn, apiKey: 999, msg: 'closing connection: unknown api key' })
    } finally {
      await broker.close()
    }
  })
})

const BUNDLE = fileURLToPath(new URL('../../dist/bin/brook.cjs', import.meta.url))

describe('brook start --log-format', () => {
  it.skipIf(!existsSync(BUNDLE))('writes readable lines with pretty, JSON by default', async () => {
    const run = (format: string[]): Promise<string> =>
      new Promise((resolve, reject) => {
        const args = ['start', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${tempDir()}`, ...format]
        const child = spawn(process.execPath, [BROOK_BIN, ...args], { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] })
        let out = ''
        let stopping = false
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk
          if (!stopping && /"msg":"started"|INFO {2}started/.test(out)) stopping = child.kill('SIGTERM')
        })
        child.once('exit', () => resolve(out))
        child.once('error', reject)
      })
    const pretty = await run(['--log-format', 'pretty'])
    expect(pretty).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}started nodeId=1 clusterId=\S+ listeners=\["PLAINTEXT:\/\/127\.0\.0\.1:\d+"\]/m)
    expect(pretty).toMatch(/ INFO {2}stopped\n$/)
    const json = await run([])
    const started = json.split('\n').find((l) => l.includes('"msg":"started"'))
    expect(JSON.parse(started!)).toMatchObject({ level: 30, name: 'brook', nodeId: 1 })
  })
})
