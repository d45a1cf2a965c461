/**
 * Shared test helpers: temp dirs removed after the test file, unique names, and polling with a
 * deadline instead of sleeping.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

const created: string[] = []

// Registered while the importing test file is collected, so it runs when that file ends.
afterAll(() => {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A fresh directory under the OS temp dir, deleted when the current test file ends. */
export function tempDir(prefix = 'brook-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  created.push(dir)
  return dir
}

let counter = 0

/** A name no other test (or earlier run) uses: prefix, pid, counter, random suffix. */
export function uniqueName(prefix = 'test'): string {
  return `${prefix}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`
}

export interface EventuallyOptions {
  readonly timeoutMs?: number
  readonly intervalMs?: number
}

/** Retries `check` until it stops throwing, or rethrows its last error after the deadline. */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000)
  const interval = options.intervalMs ?? 20
  for (;;) {
    try {
      return await check()
    } catch (err) {
      if (Date.now() >= deadline) throw err
      await new Promise((r) => setTimeout(r, interval))
    }
  }
}
