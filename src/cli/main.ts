/**
 * Entry point of the bundled CLI (bin/brook). `brook start` takes a fast path that never evaluates
 * yargs; the Kafka tools (`brook topics ...`, and the kafka-* shims) evaluate only their own modules;
 * anything else (help, version, usage errors, other commands) goes through the full CLI.
 */
import { BrookError } from '../brook-error.js'
import { TOOL_COMMANDS } from '../tools/tool-names.js'
import { parseStartArgv } from './start-options.js'

async function main(argv: readonly string[]): Promise<void> {
  const startArgs = argv[0] === 'start' ? parseStartArgv(argv.slice(1)) : undefined
  if (startArgs) {
    const { runStart } = await import('./start.js')
    await runStart(startArgs)
  } else if (argv[0] !== undefined && argv[0] in TOOL_COMMANDS) {
    const { runToolByName } = await import('../tools/index.js')
    const code = await runToolByName(argv[0], argv.slice(1))
    // Exit once stdout is flushed: stdin and timers must not keep a finished tool alive.
    process.stdout.write('', () => process.exit(code))
  } else {
    const { runCli } = await import('./commands.js')
    await runCli(argv)
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof BrookError) {
    process.stderr.write(`brook: ${err.code}: ${err.message}\n`)
  } else {
    process.stderr.write(`brook: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  }
  process.exit(1)
})
