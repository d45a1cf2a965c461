/** The full CLI (yargs): help, usage errors, and every command. `brook start` usually skips it. */
import { readFileSync } from 'node:fs'
import yargs from 'yargs'
import { CONFIG_DESCRIPTION, START_COMMAND, START_DESCRIPTION, startOptions } from './start-options.js'
import { runStart } from './start.js'
import { TOOL_COMMANDS } from '../tools/tool-names.js'

export async function runCli(argv: readonly string[]): Promise<void> {
  const cli = yargs([...argv])
    .scriptName('brook')
    .usage('$0 <command> [options]')
    .command(
      START_COMMAND,
      START_DESCRIPTION,
      (y) =>
        y
          .positional('config', { type: 'string', describe: CONFIG_DESCRIPTION })
          .option('override', {
            type: 'string',
            array: true,
            requiresArg: true,
            default: [],
            describe: startOptions.override.description,
          })
          .option('log-level', {
            type: 'string',
            choices: startOptions['log-level'].choices,
            default: startOptions['log-level'].default,
            describe: startOptions['log-level'].description,
          })
          .option('log-format', {
            type: 'string',
            choices: startOptions['log-format'].choices,
            default: startOptions['log-format'].default,
            describe: startOptions['log-format'].description,
          }),
      (args) => runStart({ config: args.config, override: args.override, logLevel: args['log-level'], logFormat: args['log-format'] }),
    )
  // The tools parse their own arguments the way Kafka's do; yargs only lists them in --help.
  for (const [name, description] of Object.entries(TOOL_COMMANDS)) {
    cli.command(`${name} [options..]`, `${description} (also installed as ${description.split(':')[0]})`, (y) => y.strict(false), async () => {
      const { runToolByName } = await import('../tools/index.js')
      process.exitCode = await runToolByName(name, argv.slice(1))
    })
  }
  await cli
    .demandCommand(1, 'Name a command, e.g. brook start config/server.properties')
    .strict()
    .version(packageVersion())
    .help()
    .parseAsync()
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}
