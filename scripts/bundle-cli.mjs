// Bundles the CLI into dist/bin/ (run by `npm run build`, used by bin/brook). One module graph
// instead of ~60 files and pino's dependencies roughly halves Brook's start-up time
// (bench/startup.ts). yargs lands in its own chunk, loaded only for help and the other commands.
// Identifiers are kept so that stack traces stay readable.
import { build } from 'esbuild'

await build({
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  // Bundled CommonJS dependencies (pino) call require() for Node built-ins.
  banner: { js: "import { createRequire as __brookRequire } from 'node:module'; const require = __brookRequire(import.meta.url);" },
  logLevel: 'warning',
})
