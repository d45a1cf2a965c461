import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/index.js'

const LAUNCHER = fileURLToPath(new URL('../../dist/bin/launch.cjs', import.meta.url))

/** Runs `bundle` through the built launcher that bin/brook requires. */
function run(bundle: string, ...args: string[]): string {
  const launch = join(dirname(bundle), 'launch.cjs')
  writeFileSync(launch, `require(${JSON.stringify(LAUNCHER)}).runWithCodeCache(${JSON.stringify(bundle)})`)
  const result = spawnSync(process.execPath, [launch, ...args], { encoding: 'utf8' })
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  return result.stdout
}

describe.skipIf(!existsSync(LAUNCHER))('the bundled CLI through V8 code cache', () => {
  const dir = tempDir()
  const bundle = join(dir, 'bundle.cjs')
  const cache = `${bundle}.cache`
  writeFileSync(
    bundle,
    "const { basename } = require('node:path'); process.stdout.write(basename(__filename) + ' ' + (typeof module.exports) + ' ' + process.argv.slice(2).join(','))",
  )

  it('runs the script as CommonJS and writes the cache when there is none', () => {
    expect(existsSync(cache)).toBe(false)
    expect(run(bundle, 'a', 'b')).toBe('bundle.cjs object a,b')
    expect(statSync(cache).size).toBeGreaterThan(0)
  })

  it('keeps an accepted cache and replaces a rejected one', () => {
    const accepted = readFileSync(cache)
    expect(run(bundle)).toBe('bundle.cjs object ')
    expect(readFileSync(cache)).toEqual(accepted)

    const garbage = Buffer.from('not a code cache')
    writeFileSync(cache, garbage)
    expect(run(bundle)).toBe('bundle.cjs object ')
    const replaced = readFileSync(cache)
    expect(replaced.length).toBe(accepted.length)
    // The new cache is accepted in its turn.
    expect(run(bundle)).toBe('bundle.cjs object ')
    expect(readFileSync(cache)).toEqual(replaced)
  })
})
