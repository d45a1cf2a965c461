/**
 * Runs a tool's main in-process with captured stdout/stderr and a given stdin, as the CLI would
 * run it, so most tool tests need no child process.
 */
import { Readable } from 'node:stream'
import type { Tool } from '../../src/tools/tool.js'
import { runTool } from '../../src/tools/tool.js'

export interface ToolRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface RunOptions {
  readonly stdin?: string
  readonly stdinIsTTY?: boolean
  readonly signal?: AbortSignal
}

export async function runInProcess(tool: Tool, argv: readonly string[], options: RunOptions = {}): Promise<ToolRun> {
  let stdout = ''
  let stderr = ''
  const code = await runTool(tool, argv, {
    stdout: (c) => (stdout += c.toString()),
    stderr: (c) => (stderr += c),
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdinIsTTY: options.stdinIsTTY ?? false,
    signal: options.signal ?? new AbortController().signal,
  })
  return { code, stdout, stderr }
}
