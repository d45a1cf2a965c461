/**
 * Runs the built `bin/brook` as a child process (as users and the Docker image do) and reads its
 * JSON log lines. The tests need `npm run build` first; `npm test` does it.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { LogLine } from './log-capture.js'

export const BROOK_BIN = fileURLToPath(new URL('../../bin/brook', import.meta.url))
const BUNDLE = fileURLToPath(new URL('../../dist/bin/brook.cjs', import.meta.url))

export interface BrookProcess {
  readonly child: ChildProcess
  readonly lines: LogLine[]
  readonly stderr: () => string
  /** The exit code (or the signal name if killed by one). */
  readonly exited: Promise<number | string>
  /** Resolves with the first log line whose msg is `msg`; rejects if the process exits first. */
  waitFor(msg: string): Promise<LogLine>
}

export function spawnBrook(args: readonly string[], env: Readonly<Record<string, string>> = {}, cwd?: string): BrookProcess {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first`)
  const child = spawn(process.execPath, [BROOK_BIN, ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: LogLine[] = []
  let stderr = ''
  let partial = ''
  const listeners = new Set<() => void>()
  const notify = (): void => listeners.forEach((l) => l())
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n')
    partial = parts.pop() ?? ''
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as LogLine)
    notify()
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve(code ?? signal ?? -1)
      notify()
    }),
  )
  const waitFor = (msg: string): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const line = lines.find((l) => l.msg === msg)
        if (line) {
          listeners.delete(check)
          resolve(line)
        } else if (child.exitCode !== null || child.signalCode !== null) {
          listeners.delete(check)
          reject(new Error(`brook exited before logging "${msg}": ${stderr}`))
        }
      }
      listeners.add(check)
      check()
    })
  return { child, lines, stderr: () => stderr, exited, waitFor }
}
