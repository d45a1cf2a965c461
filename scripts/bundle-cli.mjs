// Bundles the CLI into dist/bin/brook.cjs (run by `npm run build`, run by bin/brook through V8's
// code cache, see src/cli/code-cache.ts), then trains that cache with one broker start. One script
// instead of ~60 modules and pino's dependencies, and no parsing at start, cut Brook's cold start
// from ~2.7x to ~1.4x a bare Node listener (bench/startup.ts). yargs and the tools are evaluated
// only when their command runs. Identifiers are kept so that stack traces stay readable.
import { rmSync } from 'node:fs'
import { build } from 'esbuild'
import { trainCodeCache } from './train-code-cache.mjs'

rmSync('dist/bin', { recursive: true, force: true })
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/bin/brook.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  // The sources are ES modules; in the script, import.meta.url is the bundle's own URL.
  define: { 'import.meta.url': '__brookBundleUrl' },
  banner: { js: "const __brookBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
})
await trainCodeCache()
