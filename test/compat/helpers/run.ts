/**
 * Runs the external clients (kcat, the Debian Python clients) with input on stdin. Large inputs
 * go through stdin, never argv: Linux caps one argument at 128 KiB.
 */
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The Debian clients (python3-kafka, python3-confluent-kafka) live under the system Python only. */
export const PYTHON = '/usr/bin/python3'
const SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'python')

export interface RunOptions {
  readonly input?: string
  readonly timeoutMs?: number
}

/** Resolves with stdout; rejects with the exit code and the end of stderr when the command fails. */
export function run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let err = ''
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(Buffer.concat(out).toString())
      else reject(new Error(`${cmd} ${args.join(' ').slice(0, 200)} exited with ${code ?? signal}: ${err}`))
    })
    child.stdin.on('error', () => {}) // a client that exits early closes its stdin; the exit code tells
    child.stdin.end(options.input ?? '')
  })
}

/** Runs test/compat/python/<script>.py with `args` as JSON on stdin; parses its JSON stdout. */
export async function runPython<T>(script: string, args: unknown, timeoutMs = 30_000): Promise<T> {
  const stdout = await run(PYTHON, [join(SCRIPTS, `${script}.py`)], { input: JSON.stringify(args), timeoutMs })
  return JSON.parse(stdout) as T
}

export interface RunningScript {
  /** Resolves with the first stdout line starting with `prefix`. */
  line(prefix: string): Promise<string>
  /** Resolves with the last stdout line parsed as JSON once the script exits with 0. */
  result<T>(): Promise<T>
}

/** Starts test/compat/python/<script>.py for a conversation: the test acts on the lines it prints. */
export function startPython(script: string, args: unknown, timeoutMs = 30_000): RunningScript {
  let stdout = ''
  const waiters: (() => void)[] = []
  const child = spawn(PYTHON, [join(SCRIPTS, `${script}.py`)], { stdio: ['pipe', 'pipe', 'pipe'] })
  let err = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
    for (const w of waiters.splice(0)) w()
  })
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const exit = new Promise<string>((resolve, reject) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      for (const w of waiters.splice(0)) w()
      if (code === 0) resolve(stdout)
      else reject(new Error(`${script}.py exited with ${code ?? signal}: ${err}`))
    })
  })
  exit.catch(() => {}) // reported by whichever of line()/result() the test awaits
  child.stdin.end(JSON.stringify(args))
  return {
    async line(prefix) {
      for (;;) {
        const found = stdout.split('\n').find((l) => l.startsWith(prefix))
        if (found !== undefined) return found
        if (child.exitCode !== null || child.signalCode !== null) {
          await exit
          throw new Error(`${script}.py exited without printing "${prefix}"`)
        }
        await new Promise<void>((resolve) => waiters.push(resolve))
      }
    },
    async result<T>() {
      const out = await exit
      return JSON.parse(out.trim().split('\n').at(-1)!) as T
    },
  }
}
