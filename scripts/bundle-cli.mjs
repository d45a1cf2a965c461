// Bundles the CLI into dist/bin/brook.cjs (run by `npm run build`, run by bin/brook through V8's
// code cache, see src/cli/code-cache.ts), then trains that cache with one broker start. One script
// instead of ~60 modules and pino's dependencies, and no parsing at start, cut Brook's cold start
// from ~2.7x to 1.4-1.5x a bare Node listener (bench/startup.ts). yargs and the tools are evaluated
// only when their command runs. Identifiers are kept so that stack traces stay readable.
import { rmSync } from 'node:fs'
import { build } from 'esbuild'
import { trainCodeCache } from './train-code-cache.mjs'

rmSync('dist/bin', { recursive: true, force: true })
/** One CommonJS script from an ES module entry; in it, import.meta.url is the script's own URL. */
const script = (entry, outfile) =>
  build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    define: { 'import.meta.url': '__brookBundleUrl' },
    banner: { js: "const __brookBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  })
await script('src/cli/main.ts', 'dist/bin/brook.cjs')
// What bin/ requires: CommonJS too, since an ES module entry costs Node ~25 ms more to start.
await script('src/cli/code-cache.ts', 'dist/bin/launch.cjs')
// The cache only saves time: a build where the training start cannot run still works, and the
// first process to exit writes the cache instead.
await trainCodeCache().catch((err) => console.warn(`bundle-cli: no code cache trained (${err.message}); the first run writes it`))
