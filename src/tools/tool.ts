/**
 * What every tool is: a name, Kafka's script name, options, and a main that writes to the
 * given streams and returns the exit code. Tests call the main in-process; the CLI and the
 * bin/ shims call it with the process's streams.
 */
import { readFileSync } from 'node:fs'
import { ConnectionError, ToolError } from './client/tool-error.js'
import { formatUsage, UsageError } from './tool-args.js'
import type { OptionSpecs } from './tool-args.js'

export interface ToolIO {
  readonly stdout: (chunk: string | Buffer) => void
  readonly stderr: (chunk: string) => void
  readonly stdin: NodeJS.ReadableStream
  readonly stdinIsTTY: boolean
  /** Aborted on SIGINT/SIGTERM: long-running tools stop cleanly. */
  readonly signal: AbortSignal
}

export interface Tool {
  /** As in `brook <name>`. */
  readonly name: string
  /** Kafka's script name without `.sh`, e.g. `kafka-topics`. */
  readonly kafkaName: string
  readonly description: string
  readonly options: OptionSpecs
  readonly main: (argv: readonly string[], io: ToolIO) => Promise<number>
}

/** Runs a tool; usage errors print the option table, other failures one line, never a stack. */
export async function runTool(tool: Tool, argv: readonly string[], io: ToolIO): Promise<number> {
  if (argv.includes('--help')) {
    io.stdout(`${tool.description}\n${formatUsage(tool.options)}`)
    return 0
  }
  if (argv.includes('--version')) {
    io.stdout(`${brookVersion()} (Brook)\n`)
    return 0
  }
  try {
    return await tool.main(argv, io)
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`${err.message}\n${formatUsage(tool.options)}`)
      return 1
    }
    if (err instanceof ConnectionError) {
      io.stderr(`ERROR ${err.message}\n`)
      return err.exitCode
    }
    if (err instanceof ToolError) {
      io.stderr(`Error: ${err.message}\n`)
      return err.exitCode
    }
    io.stderr(`Error: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
}

/** Brook's package version, which `--version` prints where Kafka's tools print Kafka's. */
function brookVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

/** The process's own streams, for the CLI and the bin shims. */
export function processIO(): ToolIO {
  const controller = new AbortController()
  const stop = (): void => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return {
    stdout: (chunk) => process.stdout.write(chunk),
    stderr: (chunk) => process.stderr.write(chunk),
    stdin: process.stdin,
    stdinIsTTY: process.stdin.isTTY === true,
    signal: controller.signal,
  }
}
