import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appendKeyed, compactedLog, readAll, recordsOf, TOPIC, type CleanerFixture } from '../../../test/storage/cleaner-fixture.js'
import { CLEANER_OFFSET_CHECKPOINT } from './log-cleaner.js'

/** Writes `batches` batches over `keys` keys, then rolls so they are all in closed segments. */
async function fill(fx: CleanerFixture, batches: number, keys: number, tag = 'v'): Promise<void> {
  for (let b = 0; b < batches; b++) await appendKeyed(fx, [{ key: `k${b % keys}`, value: `${tag}${b}`.padEnd(100, '.') }])
  const n = fx.log.segmentCount
  for (let i = 0; fx.log.segmentCount === n; i++) await appendKeyed(fx, [{ key: 'roll', value: 'x'.repeat(300) }])
}

describe('LogCleaner', () => {
  it("keeps Kafka's gauges: the last clean's buffer use, recopy share, time and compaction delay, the dirtiest ratio, the time since the last round", async () => {
    // 100 key slots per thread; a backoff that never ends, so only the rounds below run.
    const fx = await compactedLog({ maxCompactionLagMs: 30_000 }, { enable: true, backoffMs: 1e12, dedupeBufferSize: 4800, threads: 2 })
    const cleaner = fx.manager.cleaner
    expect(cleaner.gauges()).toEqual({
      maxBufferUtilizationPercent: 0, cleanerRecopyPercent: 0, maxCleanTimeSecs: 0, maxCompactionDelaySecs: 0, maxDirtyPercent: 0, timeSinceLastRunMs: 0,
      uncleanablePartitions: new Map([[fx.dir, 0]]),
    })
    await fill(fx, 40, 4)
    // The first batch is 45 s old: 15 s past max.compaction.lag.ms.
    await fx.clock.advance(45_000)
    const cleaned = (await cleaner.cleanFilthiestLog())!
    const { bytesRetained, bytesRead } = cleaned.stats
    expect(bytesRetained).toBeLessThan(bytesRead / 2)
    await fx.clock.advance(1234)
    expect(cleaner.gauges()).toMatchObject({
      maxBufferUtilizationPercent: 5,
      cleanerRecopyPercent: Math.trunc((100 * bytesRetained) / bytesRead),
      maxCleanTimeSecs: 0,
      maxCompactionDelaySecs: 15,
      // Nothing had been cleaned: the whole cleanable part was dirty.
      maxDirtyPercent: 100,
      timeSinceLastRunMs: 1234,
    })
    // A round that finds nothing due: the dirty ratio and the time of the round change, the last clean's figures stay.
    expect(await cleaner.cleanFilthiestLog()).toBeNull()
    expect(cleaner.gauges()).toMatchObject({ maxBufferUtilizationPercent: 5, maxCompactionDelaySecs: 15, maxDirtyPercent: 0, timeSinceLastRunMs: 0 })
    await fx.manager.close()
  })

  it('cleans a log only once its dirty share passes min.cleanable.dirty.ratio, and checkpoints where the clean ended', async () => {
    const fx = await compactedLog({ minCleanableDirtyRatio: 0.5 })
    await fill(fx, 60, 60)
    const first = await fx.manager.cleaner.cleanFilthiestLog()
    expect(first).toMatchObject({ topic: TOPIC, partition: 0, firstDirtyOffset: 0, endOffset: fx.log.segmentBaseOffsets.at(-1)! })
    const text = await readFile(join(fx.dir, CLEANER_OFFSET_CHECKPOINT), 'utf8')
    expect(text).toBe(`0\n1\n${TOPIC} 0 ${first!.endOffset}\n`)

    // A little more dirty data: the cleaned part outweighs it.
    await fill(fx, 3, 60, 'w')
    expect(await fx.manager.cleaner.cleanFilthiestLog()).toBeNull()
    // Much more: the ratio passes again, and the clean starts at the checkpoint.
    await fill(fx, 150, 60, 'x')
    const second = await fx.manager.cleaner.cleanFilthiestLog()
    expect(second?.firstDirtyOffset).toBe(first!.endOffset)

    // The checkpoint survives a restart.
    await fx.reopen()
    expect(fx.manager.cleaner.checkpointed(fx.log)).toBe(second!.endOffset)
    await fx.manager.close()
  })

  it('leaves segments younger than min.compaction.lag.ms dirty', async () => {
    const fx = await compactedLog({ minCompactionLagMs: 60_000 })
    await fill(fx, 40, 4)
    expect(await fx.manager.cleaner.cleanFilthiestLog()).toBeNull()
    await fx.clock.advance(60_001)
    await appendKeyed(fx, [{ key: 'roll', value: 'x' }])
    const done = await fx.manager.cleaner.cleanFilthiestLog()
    expect(done?.endOffset).toBeGreaterThan(0)
    await fx.manager.close()
  })

  it('cleans below the ratio once a dirty segment is older than max.compaction.lag.ms', async () => {
    const fx = await compactedLog({ minCleanableDirtyRatio: 0.99, maxCompactionLagMs: 30_000 })
    await fill(fx, 40, 40)
    await fx.manager.cleaner.cleanFilthiestLog()
    await fill(fx, 4, 2, 'w')
    expect(await fx.manager.cleaner.cleanFilthiestLog()).toBeNull()
    await fx.clock.advance(30_001)
    expect(await fx.manager.cleaner.cleanFilthiestLog()).not.toBeNull()
    await fx.manager.close()
  })

  it('rolls the active segment of a compacted log at max.compaction.lag.ms, so even a quiet log gets cleaned in time', async () => {
    const fx = await compactedLog({ segmentBytes: 1 << 20, minCleanableDirtyRatio: 0.99, maxCompactionLagMs: 30_000 })
    for (let i = 0; i < 20; i++) await appendKeyed(fx, [{ key: 'k', value: `v${i}` }])
    expect(fx.log.segmentCount).toBe(1)
    await fx.clock.advance(30_001)
    await appendKeyed(fx, [{ key: 'k', value: 'last' }])
    expect(fx.log.segmentCount).toBe(2)
    await fx.clock.advance(1)
    expect(await fx.manager.cleaner.cleanFilthiestLog()).toMatchObject({ endOffset: 20 })
    expect(recordsOf(await readAll(fx.log)).map((r) => r.value)).toEqual(['v19', 'last'])
    await fx.manager.close()
  })

  it('stops at an open transaction and does not go round in circles while it stays open', async () => {
    const fx = await compactedLog()
    await fill(fx, 30, 3)
    // A transaction opens and spans a roll: the last stable offset stays at its first batch.
    const open = await appendKeyed(fx, [{ key: 'txn', value: 'pending' }], { transactional: true, producerId: 77, producerEpoch: 0, baseSequence: 0 })
    await fill(fx, 30, 3, 'w')
    expect(fx.log.lastStableOffset).toBe(open)
    expect(await fx.manager.cleaner.cleanFilthiestLog()).toMatchObject({ endOffset: open })
    expect(recordsOf(await readAll(fx.log)).some((r) => r.key === 'txn')).toBe(true)
    // Dirty bytes wait behind the open transaction: no round finds anything to do.
    expect(await fx.manager.cleaner.cleanFilthiestLog()).toBeNull()
    await fx.manager.close()
  })

  it('never cleans a log whose cleanup.policy is delete', async () => {
    const fx = await compactedLog({ cleanupPolicy: ['delete'] })
    await fill(fx, 40, 2)
    expect(await fx.manager.cleaner.cleanFilthiestLog()).toBeNull()
    expect(recordsOf(await readAll(fx.log)).filter((r) => r.key !== 'roll')).toHaveLength(40)
    await fx.manager.close()
  })

  it('runs in the background when enabled, and a clean aborted by shutdown leaves no .cleaned files', async () => {
    const fx = await compactedLog({}, { enable: true, backoffMs: 1000 })
    await fill(fx, 200, 3)
    await fx.clock.advance(1000)
    const deadline = Date.now() + 5000
    while (fx.manager.cleaner.checkpointed(fx.log) === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    expect(fx.manager.cleaner.checkpointed(fx.log)).toBeGreaterThan(0)
    await fill(fx, 200, 3, 'w')
    await fx.clock.advance(1000)
    await fx.manager.close()
    expect((await readdir(fx.log.dir)).filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap'))).toEqual([])
  })
})
