import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appendKeyed, compactedLog, readAll, type CleanerFixture, type ReadBatch } from '../../../test/storage/cleaner-fixture.js'
import { rng } from '../../../test/storage/helpers.js'
import { CLEAN_SHUTDOWN_FILE } from '../log-manager.js'

type Files = Map<string, Buffer>

async function filesOf(dir: string): Promise<Files> {
  const out: Files = new Map()
  for (const name of await readdir(dir)) out.set(name, await readFile(join(dir, name)))
  return out
}

async function restore(dir: string, files: Files): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { force: true })
  for (const [name, data] of files) await writeFile(join(dir, name), data)
}

const SEGMENT = /^(\d{20})\.(log|index|timeindex)$/

interface Phases {
  fx: CleanerFixture
  partitionDir: string
  before: Files
  after: Files
  beforeBatches: ReadBatch[]
  afterBatches: ReadBatch[]
  /** Segment files of the cleaned segment (base 0) as the clean left them. */
  cleaned: Files
  /** Segment file names the clean replaced. */
  replaced: string[]
}

/** A log of many small segments, its files before a clean and after it (one group, cleaned into base 0). */
async function cleanedOnce(): Promise<Phases> {
  const fx = await compactedLog({ fileDeleteDelayMs: 3_600_000 })
  const r = rng(42)
  for (let b = 0; b < 60; b++) await appendKeyed(fx, [{ key: `k${r.int(0, 15)}`, value: `v${b}`.padEnd(r.int(20, 200), '.') }, { key: `k${r.int(0, 15)}`, value: r.int(0, 5) === 0 ? null : `w${b}` }])
  const partitionDir = fx.log.dir
  const beforeBatches = await readAll(fx.log)
  await fx.manager.close()
  const before = await filesOf(partitionDir)
  await fx.reopen()
  fx.config.segmentBytes = 1 << 20
  expect(await fx.manager.cleaner.cleanFilthiestLog()).not.toBeNull()
  const afterBatches = await readAll(fx.log)
  await fx.manager.close()
  const after = await filesOf(partitionDir)
  for (const name of after.keys()) if (name.endsWith('.deleted')) after.delete(name)
  const activeBase = fx.log.segmentBaseOffsets.at(-1)!
  const cleaned: Files = new Map([...after].filter(([name]) => SEGMENT.exec(name)?.[1] === '0'.repeat(20)))
  const replaced = [...before.keys()].filter((name) => {
    const m = SEGMENT.exec(name)
    return m !== null && Number(m[1]) < activeBase
  })
  expect(replaced.length).toBeGreaterThan(6)
  expect(afterBatches).not.toEqual(beforeBatches)
  return { fx, partitionDir, before, after, beforeBatches, afterBatches, cleaned, replaced }
}

/** The files renamed with `suffix(name)` appended. */
function renamed(files: Files, suffix: (name: string) => string): Files {
  return new Map([...files].map(([name, data]) => [name + suffix(name), data]))
}

function pick(files: Files, keep: (name: string) => boolean): Files {
  return new Map([...files].filter(([name]) => keep(name)))
}

describe('a crash in each phase of a clean', () => {
  it('leaves a readable log: rolled back before the swap began, completed after', async () => {
    const p = await cleanedOnce()
    const base0 = (n: string): boolean => n.startsWith('0'.repeat(20))
    const old = pick(p.before, (n) => p.replaced.includes(n))
    const rest = pick(p.before, (n) => !p.replaced.includes(n))
    const secondBase = [...new Set(p.replaced.map((n) => SEGMENT.exec(n)![1]!))].sort()[1]!
    const log = p.cleaned.get('0'.repeat(20) + '.log')!
    const swap = renamed(p.cleaned, () => '.swap')
    const states: Array<{ phase: string; files: Files; expected: ReadBatch[] }> = [
      { phase: 'writing .cleaned (torn)', files: new Map([...p.before, ['0'.repeat(20) + '.log.cleaned', log.subarray(0, log.length >> 1)]]), expected: p.beforeBatches },
      { phase: '.cleaned written', files: new Map([...p.before, ...renamed(p.cleaned, () => '.cleaned')]), expected: p.beforeBatches },
      { phase: 'log renamed to .swap, indexes still .cleaned', files: new Map([...p.before, ...renamed(p.cleaned, (n) => (n.endsWith('.log') ? '.swap' : '.cleaned'))]), expected: p.beforeBatches },
      { phase: 'renamed to .swap', files: new Map([...p.before, ...swap]), expected: p.afterBatches },
      { phase: 'base segment renamed to .deleted', files: new Map([...pick(p.before, (n) => !base0(n)), ...renamed(pick(old, base0), () => '.deleted'), ...swap]), expected: p.afterBatches },
      {
        phase: 'base and second segment renamed to .deleted',
        files: new Map([...pick(p.before, (n) => !base0(n) && !n.startsWith(secondBase)), ...renamed(pick(old, (n) => base0(n) || n.startsWith(secondBase)), () => '.deleted'), ...swap]),
        expected: p.afterBatches,
      },
      { phase: 'old segments all .deleted', files: new Map([...rest, ...renamed(old, () => '.deleted'), ...swap]), expected: p.afterBatches },
      { phase: 'log renamed to its final name, indexes still .swap', files: new Map([...rest, ...renamed(old, () => '.deleted'), ...renamed(p.cleaned, (n) => (n.endsWith('.log') ? '' : '.swap'))]), expected: p.afterBatches },
      { phase: 'swap done, .deleted files left', files: new Map([...p.after, ...renamed(old, () => '.deleted')]), expected: p.afterBatches },
    ]
    for (const { phase, files, expected } of states) {
      for (const cleanShutdown of [true, false]) {
        await restore(p.partitionDir, files)
        const marker = join(p.fx.dir, CLEAN_SHUTDOWN_FILE)
        if (!cleanShutdown) await rm(marker, { force: true })
        else await writeFile(marker, '{"version":0,"brokerEpoch":-1}')
        await p.fx.reopen()
        const got = await readAll(p.fx.log)
        expect({ phase, cleanShutdown, got }).toEqual({ phase, cleanShutdown, got: expected })
        const left = (await readdir(p.partitionDir)).filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap'))
        expect({ phase, left }).toEqual({ phase, left: [] })
        await p.fx.manager.close()
      }
    }
  })
})
