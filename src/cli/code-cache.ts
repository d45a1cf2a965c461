/**
 * Runs the bundled CLI (dist/bin/brook.cjs) through V8's code cache, so that a start does not parse
 * and compile a megabyte of JavaScript again: about 45 ms of Brook's ~260 ms cold start
 * (bench/startup.ts). Node 22 has module.enableCompileCache() for this; on Node 20 the only door
 * to the cache is vm.Script, which takes a script, so the bundle is CommonJS.
 *
 * The cache sits beside the bundle. `npm run build` writes it from a training start
 * (scripts/train-code-cache.mjs); when it is missing or V8 rejects it (another Node version or
 * other V8 flags), the process writes a new one as it exits. Failing to write is not an error: an
 * install directory may be read-only, and the cache only saves time.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire, Module } from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Script } from 'node:vm'

type ModuleWrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void

/** Runs `brook <command> <the process's arguments>`; the kafka-* shims pass their command. */
export function runBundledCli(command: readonly string[] = []): void {
  process.argv.splice(2, 0, ...command)
  runWithCodeCache(fileURLToPath(new URL('../bin/brook.cjs', import.meta.url)))
}

/** Runs a CommonJS script as Node would, compiled from `<bundlePath>.cache` when V8 accepts it. */
export function runWithCodeCache(bundlePath: string): void {
  const cachePath = `${bundlePath}.cache`
  const cachedData = readOptional(cachePath)
  const script = new Script(Module.wrap(readFileSync(bundlePath, 'utf8')), { filename: bundlePath, cachedData })
  if (cachedData === undefined || script.cachedDataRejected === true) {
    // At exit, the cache also holds the functions compiled while the process ran.
    process.once('exit', () => writeCache(cachePath, () => script.createCachedData()))
  }
  const wrapper = script.runInThisContext() as ModuleWrapper
  const module = { exports: {} }
  wrapper.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath))
}

function readOptional(path: string): Buffer | undefined {
  try {
    return readFileSync(path)
  } catch {
    return undefined
  }
}

function writeCache(path: string, data: () => Buffer): void {
  // Several processes may exit at once: each writes its own file and renames it into place.
  const temp = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(temp, data())
    renameSync(temp, path)
  } catch {
    // An unwritable install directory: start-up stays correct, only slower.
    rmSync(temp, { force: true })
  }
}
