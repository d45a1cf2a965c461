/**
 * `--log-format pretty`: pino's JSON lines rewritten for people, one line each:
 *
 *     12:04:31.207 INFO  network conn=3: connection opened remote=127.0.0.1:50412
 *
 * time (local), level, component and connection, message, then the other fields as key=value
 * (JSON for objects); an error's stack follows on its own lines. Colours only on a terminal.
 * Written in-house rather than pino-pretty: no dependency, and it stays synchronous like the
 * JSON destination.
 */
import { writeSync } from 'node:fs'
import type { DestinationStream } from 'pino'

const LEVELS: Readonly<Record<number, { name: string; colour: number }>> = {
  10: { name: 'TRACE', colour: 90 },
  20: { name: 'DEBUG', colour: 36 },
  30: { name: 'INFO', colour: 32 },
  40: { name: 'WARN', colour: 33 },
  50: { name: 'ERROR', colour: 31 },
  60: { name: 'FATAL', colour: 35 },
}

/** Fields every line carries or the prefix shows already. */
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'component', 'conn', 'err'])

export interface PrettyOptions {
  readonly colours?: boolean
  /** Where the formatted text goes; stdout by default. */
  readonly write?: (text: string) => void
}

export function prettyDestination(options: PrettyOptions = {}): DestinationStream {
  const colours = options.colours ?? process.stdout.isTTY === true
  const write = options.write ?? ((text: string) => void writeSync(1, text))
  return { write: (line: string) => write(formatLogLine(line, colours)) }
}

export function formatLogLine(json: string, colours = false): string {
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`
  }
  const paint = (code: number, text: string): string => (colours ? `\x1b[${code}m${text}\x1b[0m` : text)
  const level = LEVELS[entry['level'] as number] ?? { name: String(entry['level']), colour: 0 }
  const where = [entry['component'], entry['conn'] === undefined ? undefined : `conn=${String(entry['conn'])}`].filter((p) => p !== undefined)
  let line = `${paint(90, clock(entry['time']))} ${paint(level.colour, level.name.padEnd(5))} `
  if (where.length > 0) line += `${paint(34, where.join(' '))}: `
  line += String(entry['msg'] ?? '')
  for (const [key, value] of Object.entries(entry)) {
    if (SHOWN.has(key)) continue
    line += ` ${paint(90, `${key}=`)}${typeof value === 'string' ? value : JSON.stringify(value)}`
  }
  const err = entry['err'] as { message?: string; stack?: string } | undefined
  if (err !== undefined) line += `\n    ${(err.stack ?? err.message ?? JSON.stringify(err)).replace(/\n/g, '\n    ')}`
  return `${line}\n`
}

function clock(time: unknown): string {
  const d = new Date(typeof time === 'number' ? time : Date.now())
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
}
