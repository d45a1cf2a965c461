import { appendFile, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { batchOf, captureLogger, decodeBatches, rng, tempDir } from '../../test/storage/helpers.js'
import { ManualClock } from './clock.js'
import { logConfig, type LogConfig } from './log-config.js'
import { LogManager, type LogManagerOptions } from './log-manager.js'
import type { PartitionLog } from './partition-log.js'

function open(dir: string, config: LogConfig, extra: Partial<LogManagerOptions> = {}): Promise<LogManager> {
  const clock = new ManualClock()
  return LogManager.open({ logDirs: [dir], clock, scheduler: clock, configFor: () => config, ...extra })
}

const valueFor = (offset: number): Buffer => Buffer.from(`value-${offset}-`.padEnd(40 + (offset % 7) * 13, 'x'))

/** A log of `n` single-record batches whose values encode their offsets; left open (an unclean shutdown follows). */
async function fill(dir: string, config: LogConfig, n: number): Promise<LogManager> {
  const m = await open(dir, config)
  const log = await m.createLog('t', 0, { topicId: null })
  for (let i = 0; i < n; i++) await log.append(batchOf([{ timestamp: 1000 + i, value: valueFor(i) }]))
  return m
}

/** Every offset from the log start to the log end reads back, with its own value, from valid batches. */
async function expectIntact(log: PartitionLog): Promise<void> {
  for (let o = log.logStartOffset; o < log.logEndOffset; o++) {
    const batches = decodeBatches((await log.read(o, 300)).records)
    const rec = batches.flatMap((b) => b.records).find((r) => r.offset === o)
    expect(rec?.value.equals(valueFor(o))).toBe(true)
  }
  for (let t = 1000; t < 1000 + log.logEndOffset; t += 5) expect((await log.offsetForTimestamp(t))?.offset).toBe(t - 1000)
  // Reads of several batches, whose cut is found from an index entry inside what they read, serve every offset once.
  for (let o = log.logStartOffset; o < log.logEndOffset; ) {
    const records = decodeBatches((await log.read(o, 1000)).records).flatMap((b) => b.records).filter((r) => r.offset >= o)
    expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => o + i))
    for (const r of records) expect(r.value.equals(valueFor(r.offset))).toBe(true)
    o += records.length
  }
}

async function segmentFiles(dir: string, suffix: string): Promise<string[]> {
  return (await readdir(join(dir, 't-0'))).filter((f) => f.endsWith(suffix)).map((f) => join(dir, 't-0', f))
}

describe('recovery after an unclean shutdown', () => {
  it('truncates a torn tail and logs what it cut', async () => {
    const dir = await tempDir()
    const cfg = logConfig()
    await fill(dir, cfg, 20)
    const [logFile] = await segmentFiles(dir, '.log')
    const validSize = (await stat(logFile!)).size
    await appendFile(logFile!, batchOf([{ timestamp: 1, value: Buffer.alloc(100, 9) }]).subarray(0, 70))
    const { logger, lines } = captureLogger()
    const m = await open(dir, cfg, { logger })
    const log = m.getLog('t', 0)!
    expect(log.logEndOffset).toBe(20)
    expect((await stat(logFile!)).size).toBe(validSize)
    expect(lines.find((l) => l.msg === 'truncated log at the first invalid batch')).toMatchObject({ truncatedBytes: 70, endOffset: 20 })
    await expectIntact(log)
    expect((await log.append(batchOf([{ timestamp: 1020, value: valueFor(20) }]))).baseOffset).toBe(20)
    await expectIntact(log)
    await m.close()
  })

  it('truncates at a corrupted byte in the middle of the last segment and drops nothing before it', async () => {
    const dir = await tempDir()
    const cfg = logConfig({ segmentBytes: 2000 })
    await fill(dir, cfg, 60)
    const last = (await segmentFiles(dir, '.log')).sort().at(-1)!
    const lastBase = Number(last.slice(-24, -4))
    const bytes = await readFile(last)
    const at = Math.floor(bytes.length / 2)
    bytes[at] = bytes[at]! ^ 0x5a
    await writeFile(last, bytes)
    const m = await open(dir, cfg)
    const log = m.getLog('t', 0)!
    expect(log.logEndOffset).toBeGreaterThan(lastBase)
    expect(log.logEndOffset).toBeLessThan(60)
    expect((await stat(last)).size).toBeLessThanOrEqual(at)
    await expectIntact(log)
    await m.close()
  })

  it('truncates a batch whose base offset (outside the CRC) was damaged', async () => {
    const dir = await tempDir()
    const cfg = logConfig()
    await fill(dir, cfg, 10)
    const [logFile] = await segmentFiles(dir, '.log')
    const bytes = await readFile(logFile!)
    let fifth = 0
    for (let i = 0; i < 5; i++) fifth += bytes.readInt32BE(fifth + 8) + 12
    expect(bytes.readInt32BE(fifth + 4)).toBe(5)
    bytes.writeInt32BE(50, fifth + 4)
    await writeFile(logFile!, bytes)
    const m = await open(dir, cfg)
    expect(m.getLog('t', 0)!.logEndOffset).toBe(5)
    await expectIntact(m.getLog('t', 0)!)
    await m.close()
  })
})

describe('damaged index files', () => {
  async function cleanLog(dir: string): Promise<LogConfig> {
    const cfg = logConfig({ segmentBytes: 3000, indexIntervalBytes: 100 })
    const m = await fill(dir, cfg, 80)
    await m.close()
    return cfg
  }

  it('a flipped byte anywhere in an offset or time index never changes what is served', async () => {
    const dir = await tempDir()
    const cfg = await cleanLog(dir)
    const r = rng(42)
    const { logger, lines } = captureLogger()
    for (let trial = 0; trial < 12; trial++) {
      const files = [...(await segmentFiles(dir, '.index')), ...(await segmentFiles(dir, '.timeindex'))]
      const file = r.pick(files)
      const bytes = await readFile(file)
      if (bytes.length === 0) continue
      const at = r.int(0, bytes.length - 1)
      bytes[at] = bytes[at]! ^ (1 << r.int(0, 7))
      await writeFile(file, bytes)
      const m = await open(dir, cfg, { logger })
      const log = m.getLog('t', 0)!
      expect(log.logEndOffset).toBe(80)
      await expectIntact(log)
      await m.close()
    }
    // The damage was noticed (at load or at a lookup) and repaired, not merely survived.
    expect(lines.filter((l) => /rebuild/.test(String(l.msg))).length).toBeGreaterThanOrEqual(6)
  })

  it('rebuilds torn, zero-filled and missing index files from the log', async () => {
    const dir = await tempDir()
    const cfg = await cleanLog(dir)
    const [firstIndex] = (await segmentFiles(dir, '.index')).sort()
    const [, secondTime] = (await segmentFiles(dir, '.timeindex')).sort()
    const [, , thirdIndex] = (await segmentFiles(dir, '.index')).sort()
    await truncate(firstIndex!, (await stat(firstIndex!)).size - 3)
    await rm(secondTime!)
    await writeFile(thirdIndex!, Buffer.alloc((await stat(thirdIndex!)).size + 16))
    const { logger, lines } = captureLogger()
    const m = await open(dir, cfg, { logger })
    await expectIntact(m.getLog('t', 0)!)
    expect(lines.filter((l) => l.msg === 'rebuilding segment indexes from the log').length).toBe(3)
    expect((await stat(secondTime!)).size % 12).toBe(0)
    await m.close()
  })

  it('ignores a malformed leader-epoch-checkpoint and an unreadable recovery-point checkpoint', async () => {
    const dir = await tempDir()
    const cfg = await cleanLog(dir)
    await writeFile(join(dir, 't-0', 'leader-epoch-checkpoint'), 'garbage')
    await writeFile(join(dir, 'recovery-point-offset-checkpoint'), '0\n5\nt 0 80\n')
    await rm(join(dir, '.kafka_cleanshutdown'))
    const { logger, lines } = captureLogger()
    const m = await open(dir, cfg, { logger })
    expect(lines.filter((l) => l.msg === 'recovered log segment').length).toBe(m.getLog('t', 0)!.segmentCount)
    await expectIntact(m.getLog('t', 0)!)
    await m.close()
  })
})
