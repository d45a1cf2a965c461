import { readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises'
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { batchOf, captureLogger, decodeBatches, tempDir } from '../../test/storage/helpers.js'
import { ManualClock } from './clock.js'
import { logConfig, type LogConfig } from './log-config.js'
import { nativeAddon } from '../native-addon.js'
import { LogManager, type LogManagerOptions } from './log-manager.js'
import type { PartitionLog } from './partition-log.js'
import { WriteBatcher } from './write-batcher.js'

const TOPIC_ID = 'q1w2e3r4t5y6u7i8o9p0aA'

function open(dir: string | string[], clock: ManualClock, config: LogConfig = logConfig(), extra: Partial<LogManagerOptions> = {}): Promise<LogManager> {
  return LogManager.open({ logDirs: Array.isArray(dir) ? dir : [dir], clock, scheduler: clock, configFor: () => config, ...extra })
}

const value58 = (i: number): Buffer => Buffer.alloc(58, i)

describe('LogManager: on-disk layout', () => {
  it('writes Kafka byte-exact files: 1,016-byte log, 43-byte partition.metadata, fresh leader-epoch-checkpoint, checkpoints', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    let m = await open(dir, clock)
    const log = await m.createLog('orders', 0, { topicId: TOPIC_ID })
    const p = join(dir, 'orders-0')
    expect(await readFile(join(p, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n0 0\n')
    expect(await readFile(join(p, 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${TOPIC_ID}`)
    expect((await stat(join(p, 'partition.metadata'))).size).toBe(43)
    for (let i = 0; i < 8; i++) expect((await log.append(batchOf([{ timestamp: clock.now(), value: value58(i) }]))).baseOffset).toBe(i)
    await m.close()
    expect((await stat(join(p, '00000000000000000000.log'))).size).toBe(1016)
    expect((await stat(join(p, '00000000000000000000.index'))).size).toBe(0)
    expect((await stat(join(p, '00000000000000000000.timeindex'))).size).toBe(12)
    expect(await readFile(join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\norders 0 8\n')
    expect(await readFile(join(dir, 'log-start-offset-checkpoint'), 'utf8')).toBe('0\n0\n')
    expect(await readFile(join(dir, 'cleaner-offset-checkpoint'), 'utf8')).toBe('0\n0\n')
    expect(JSON.parse(await readFile(join(dir, '.kafka_cleanshutdown'), 'utf8'))).toEqual({ version: 0, brokerEpoch: -1 })
    m = await open(dir, clock)
    expect((await readdir(dir)).includes('.kafka_cleanshutdown')).toBe(false)
    expect(m.getLog('orders', 0)!.topicId).toBe(TOPIC_ID)
    await m.close()
  })

  it('names segments by their 20-digit base offset and rolls on segment.bytes', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    const m = await open(dir, clock, logConfig({ segmentBytes: 300 }))
    const log = await m.createLog('t', 3, { topicId: null })
    for (let i = 0; i < 6; i++) await log.append(batchOf([{ timestamp: clock.now(), value: value58(i) }]))
    expect(log.segmentBaseOffsets).toEqual([0, 2, 4])
    const files = (await readdir(join(dir, 't-3'))).filter((f) => f.endsWith('.log'))
    expect(files).toEqual(['00000000000000000000.log', '00000000000000000002.log', '00000000000000000004.log'])
    await m.close()
  })

  it('spreads new logs over several log dirs', async () => {
    const dirs = [await tempDir(), await tempDir()]
    const clock = new ManualClock()
    const m = await open(dirs, clock)
    for (let p = 0; p < 4; p++) await m.createLog('t', p, { topicId: null })
    expect((await readdir(dirs[0]!)).filter((n) => n.startsWith('t-')).length).toBe(2)
    expect((await readdir(dirs[1]!)).filter((n) => n.startsWith('t-')).length).toBe(2)
    await m.close()
  })
})

describe('LogManager: restarts', () => {
  it('scans nothing after a clean shutdown, and only segments from the recovery point after an unclean one', async () => {
    const dir = await tempDir()
    const cfg = logConfig({ segmentBytes: 400 })
    const first = captureLogger()
    let m = await open(dir, new ManualClock(), cfg, { logger: first.logger })
    let log = await m.createLog('t', 0, { topicId: null })
    for (let i = 0; i < 10; i++) await log.append(batchOf([{ timestamp: 1, value: value58(i) }]))
    await m.close()

    const clean = captureLogger()
    m = await open(dir, new ManualClock(), cfg, { logger: clean.logger })
    expect(clean.lines.filter((l) => l.msg === 'recovered log segment')).toEqual([])
    expect(clean.lines.find((l) => l.msg === 'loaded logs')).toMatchObject({ cleanShutdown: true })
    log = m.getLog('t', 0)!
    expect(log.logEndOffset).toBe(10)
    const checkpointed = log.segmentBaseOffsets.at(-1)!
    for (let i = 10; i < 20; i++) await log.append(batchOf([{ timestamp: 1, value: value58(i) }]))
    // No close: the next open finds no clean-shutdown marker.
    const unclean = captureLogger()
    const m2 = await open(dir, new ManualClock(), cfg, { logger: unclean.logger })
    const recovered = unclean.lines.filter((l) => l.msg === 'recovered log segment').map((l) => l.segment as number)
    expect(recovered.length).toBeGreaterThan(1)
    expect(Math.min(...recovered)).toBe(checkpointed)
    expect(m2.getLog('t', 0)!.logEndOffset).toBe(20)
    await m2.close()
  })

  it('removes leftover .deleted segment files and -delete dirs found at start-up', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    await mkdir(join(dir, 'gone-0.0123456789abcdef0123456789abcdef-delete'))
    await mkdir(join(dir, 'x-0'))
    await writeFile(join(dir, 'x-0', '00000000000000000000.log.deleted'), 'old')
    const m = await open(dir, clock)
    expect(await readdir(join(dir, 'x-0'))).not.toContain('00000000000000000000.log.deleted')
    await clock.advance(60_000)
    expect(await readdir(dir)).not.toContain('gone-0.0123456789abcdef0123456789abcdef-delete')
    await m.close()
  })
})

describe('LogManager: flush policy', () => {
  it('never fsyncs by default until a roll, which moves the recovery point to the new segment', async () => {
    const dir = await tempDir()
    const m = await open(dir, new ManualClock(), logConfig({ segmentBytes: 300 }))
    const log = await m.createLog('t', 0, { topicId: null })
    await log.append(batchOf([{ timestamp: 1, value: value58(0) }]))
    expect(log.recoveryPoint).toBe(0)
    for (let i = 1; i < 3; i++) await log.append(batchOf([{ timestamp: 1, value: value58(i) }]))
    await expect.poll(() => log.recoveryPoint).toBe(2)
    await m.close()
  })

  it('flush.messages fsyncs before the append resolves; flush.ms on the flush scheduler', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    let cfg = logConfig({ flushMessages: 2 })
    const m = await LogManager.open({ logDirs: [dir], clock, scheduler: clock, configFor: () => cfg, flushCheckIntervalMs: 100 })
    const log = await m.createLog('t', 0, { topicId: null })
    await log.append(batchOf([{ timestamp: 1, value: value58(0) }]))
    expect(log.recoveryPoint).toBe(0)
    await log.append(batchOf([{ timestamp: 1, value: value58(1) }]))
    expect(log.recoveryPoint).toBe(2)
    cfg = logConfig({ flushMs: 1000 })
    await log.append(batchOf([{ timestamp: 1, value: value58(2) }]))
    await clock.advance(500)
    expect(log.recoveryPoint).toBe(2)
    await clock.advance(600)
    expect(log.recoveryPoint).toBe(3)
    await m.close()
  })
})

describe('LogManager: deletion', () => {
  it('renames a deleted log dir to <topic>-<p>.<id>-delete and removes it after file.delete.delay.ms', async () => {
    const dir = await tempDir()
    const clock = new ManualClock()
    const m = await open(dir, clock, logConfig({ fileDeleteDelayMs: 1000 }))
    const log = await m.createLog('t', 1, { topicId: null })
    await log.append(batchOf([{ timestamp: 1, value: value58(0) }]))
    await m.deleteLog('t', 1)
    expect(m.getLog('t', 1)).toBeUndefined()
    const names = await readdir(dir)
    expect(names.filter((n) => /^t-1\.[0-9a-f]{32}-delete$/.test(n)).length).toBe(1)
    await expect(log.append(batchOf([{ timestamp: 1, value: value58(1) }]))).rejects.toThrow(/closed/)
    await clock.advance(1000)
    expect((await readdir(dir)).filter((n) => n.startsWith('t-1'))).toEqual([])
    await m.close()
  })
})

describe('LogManager: concurrency and bounded resources', () => {
  // The CommonJS face of node:fs; changing it and syncing updates what `import * as fs` sees.
  const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs')
  const realWritev = fs.writev
  afterEach(() => {
    fs.writev = realWritev
    syncBuiltinESMExports()
  })

  /** 50 appends to one partition at once; one append to each of 20, then 10 more to each at once. Checks what was stored. */
  async function appendConcurrently(m: LogManager): Promise<void> {
    const one = await m.createLog('one', 0, { topicId: null })
    const appends = Array.from({ length: 50 }, (_, i) => one.append(batchOf([{ timestamp: 1, value: value58(i) }])))
    expect((await Promise.all(appends)).map((r) => r.baseOffset)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    const logs = await Promise.all(Array.from({ length: 20 }, (_, p) => m.createLog('many', p, { topicId: null })))
    const append = (l: PartitionLog, i: number): Promise<unknown> => l.append(batchOf([{ timestamp: 1, value: value58(i) }]))
    // The first append opens each segment's file; each write then waits for its own open.
    await Promise.all(logs.map((l) => append(l, 0)))
    await Promise.all(logs.flatMap((l) => Array.from({ length: 10 }, (_, i) => append(l, i + 1))))
    for (const l of logs) {
      expect(l.logEndOffset).toBe(11)
      expect(decodeBatches((await l.read(0, 1 << 20)).records).map((b) => b.baseOffset)).toEqual([...Array(11).keys()])
    }
  }

  it('with pool writes but without the addon, writes appends queued for one partition with one writev, and many partitions in parallel', async () => {
    let calls = 0
    fs.writev = ((...args: Parameters<typeof fs.writev>) => {
      calls++
      return (realWritev as (...a: unknown[]) => void)(...args)
    }) as typeof fs.writev
    syncBuiltinESMExports()
    const m = await open(await tempDir(), new ManualClock(), logConfig(), { writeBatcher: new WriteBatcher(undefined, { syncBytes: 0 }) })
    await appendConcurrently(m)
    // 50 appends to one partition: the first starts a write at once; the 49 made meanwhile queue and go out together.
    // Then each of the 20 partitions writes its first append; of the next 10, the first, then the other 9 together.
    expect(calls).toBe(2 + 20 + 20 * 2)
    await m.close()
  })

  it.runIf(nativeAddon()?.createWriteQueue !== undefined)('with pool writes and the addon, queues what all partitions append in one turn in one call', async () => {
    const calls: number[] = []
    const create = nativeAddon()!.createWriteQueue!
    const m = await open(await tempDir(), new ManualClock(), logConfig(), {
      writeBatcher: new WriteBatcher((onWritten, results, threads) => {
        const queue = create(onWritten, results, threads)
        return (writes, buffers) => {
          calls.push(writes.length / 4)
          queue(writes, buffers)
        }
      }, { syncBytes: 0 }),
    })
    await appendConcurrently(m)
    // One write per partition per group of appends queued while it wrote: the one partition's
    // two, each of the 20 partitions' first append, then its next and the 9 queued behind that.
    expect(calls.reduce((a, b) => a + b)).toBe(2 + 20 + 20 * 2)
    // The 20 next appends are made in one turn and queued in one call. (The 20 first ones wait
    // for their files to open, and the 9s follow the reports of the writes before them: how
    // they gather depends on timing.)
    expect(calls).toContain(20)
    await m.close()
  })

  it('keeps open segment files and loaded indexes within their bounds', async () => {
    const dir = await tempDir()
    const m = await open(dir, new ManualClock(), logConfig({ segmentBytes: 2000, indexIntervalBytes: 100 }), { maxOpenSegmentFiles: 4, indexCacheBytes: 4096 })
    const logs = await Promise.all(Array.from({ length: 6 }, (_, p) => m.createLog('t', p, { topicId: null })))
    for (const l of logs) for (let i = 0; i < 60; i++) await l.append(batchOf([{ timestamp: 1, value: value58(i) }]))
    for (const l of logs) {
      expect(l.segmentCount).toBeGreaterThan(3)
      for (let o = 0; o < 60; o += 7) expect(decodeBatches((await l.read(o, 200)).records)[0]!.lastOffset).toBe(o)
      expect(m.openSegmentFiles).toBeLessThanOrEqual(4)
    }
    // Each closed segment's indexes take ~1.5 KiB; the budget holds two or three of the ~30 segments read.
    expect(m.cachedIndexBytes).toBeLessThanOrEqual(4096)
    await m.close()
  })
})
