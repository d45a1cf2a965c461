/**
 * `npm install` step: builds the addon in native/ (CRC-32C, a queue of file writes) with node-gyp.
 * It only saves time (src/native-addon.ts: CRCs fall back to @node-rs/crc32, then to JS; writes
 * to node:fs), so a machine without a compiler gets a warning, not a failed install.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const native = fileURLToPath(new URL('../native', import.meta.url))
// npm hands its bundled node-gyp to install scripts; elsewhere, one on PATH.
const gyp = process.env.npm_config_node_gyp
const [command, args] = gyp ? [process.execPath, [gyp, 'rebuild']] : ['node-gyp', ['rebuild']]
const run = spawnSync(command, args, { cwd: native, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
if (run.status !== 0) {
  const why = run.error?.message ?? run.stderr.trim().split('\n').slice(-5).join('\n')
  console.warn(`brook: the native addon did not build; CRCs run in @node-rs/crc32 or JS, writes in node:fs.\n${why}`)
}
