/**
 * Entry point of bin/brook. `brook start` takes a fast path that never loads yargs; anything
 * else (help, version, usage errors, other commands) goes through the full CLI.
 */
import { BrookError } from '../brook-error.js'
import { parseStartArgv } from './start-options.js'

async function main(argv: readonly string[]): Promise<void> {
  const startArgs = argv[0] === 'start' ? parseStartArgv(argv.slice(1)) : undefined
  if (startArgs) {
    const { runStart } = await import('./start.js')
    await runStart(startArgs)
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
