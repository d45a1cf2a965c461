import { readdir, rm, stat, utimes } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { appendKeyed, appendMarker, compactedLog, readAll, recordsOf, type CleanerFixture, type KeyedRecord } from '../../../test/storage/cleaner-fixture.js'
import { rng } from '../../../test/storage/helpers.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { CompressionType } from '../../protocol/records/attributes.js'
import { cleanLog } from './cleaner.js'
import { OffsetMap } from './offset-map.js'

/** Cleans the filthiest log once and returns where the clean ended. */
async function clean(fx: CleanerFixture): Promise<number> {
  const done = await fx.manager.cleaner.cleanFilthiestLog()
  expect(done).not.toBeNull()
  return done!.endOffset
}

/** Pads the log with filler keys until it rolls, so everything before is in closed segments. */
async function roll(fx: CleanerFixture): Promise<void> {
  const segments = fx.log.segmentCount
  for (let i = 0; fx.log.segmentCount === segments; i++) await appendKeyed(fx, [{ key: `filler-${i % 3}`, value: 'x'.repeat(200) }])
}

describe('log cleaner against an oracle', () => {
  it('keeps exactly the latest record per key below the active segment, at the offsets they were written, and everything after', async () => {
    for (const compression of [CompressionType.None, CompressionType.Lz4]) {
      const fx = await compactedLog()
      const r = rng(7 + compression)
      const written = new Map<number, KeyedRecord>()
      for (let b = 0; b < 120; b++) {
        const recs: KeyedRecord[] = []
        for (let n = r.int(1, 6); n > 0; n--) recs.push({ key: `k${r.int(0, 40)}`, value: r.int(0, 9) === 0 ? null : `v${b}-${n}-${'p'.repeat(r.int(0, 60))}` })
        const base = await appendKeyed(fx, recs, { compression })
        recs.forEach((rec, i) => written.set(base + i, rec))
        await fx.clock.advance(10)
      }
      const activeBase = fx.log.segmentBaseOffsets.at(-1)!
      const before = fx.log.segmentCount
      // Cleaned segments are grouped up to segment.bytes: raised now, the small ones merge.
      fx.config.segmentBytes = 1 << 20
      const end = await clean(fx)
      expect(end).toBe(activeBase)

      const latest = new Map<string, number>()
      for (const [offset, rec] of written) if (offset < activeBase) latest.set(rec.key!, offset)
      const expected = [...written].filter(([offset, rec]) => offset >= activeBase || latest.get(rec.key!) === offset).map(([offset, rec]) => ({ offset, key: rec.key, value: rec.value }))
      const got = recordsOf(await readAll(fx.log)).map(({ offset, key, value }) => ({ offset, key, value }))
      expect(got).toEqual(expected)
      expect(fx.log.segmentCount).toBeLessThan(before)
      expect(fx.log.logEndOffset).toBe(Math.max(...written.keys()) + 1)

      // The cleaned log survives a restart as it is.
      await fx.reopen()
      expect(recordsOf(await readAll(fx.log)).map(({ offset, key, value }) => ({ offset, key, value }))).toEqual(expected)
      await fx.manager.close()
    }
  })

  it('keeps a tombstone until delete.retention.ms after the clean that first saw it, then removes it', async () => {
    const fx = await compactedLog({ deleteRetentionMs: 1000 })
    await appendKeyed(fx, [{ key: 'a', value: '1' }, { key: 'b', value: '1' }])
    await appendKeyed(fx, [{ key: 'a', value: null }])
    await roll(fx)
    const firstClean = fx.clock.now()
    await clean(fx)
    let batches = await readAll(fx.log)
    const tomb = batches.find((b) => b.records.some((r) => r.key === 'a'))!
    expect(tomb.records).toEqual([expect.objectContaining({ key: 'a', value: null, offset: 2 })])
    expect(tomb.deleteHorizon).toBe(firstClean + 1000)
    expect(recordsOf(batches).find((r) => r.key === 'b')).toMatchObject({ offset: 1, value: '1' })

    await fx.clock.advance(999)
    await roll(fx)
    await clean(fx)
    expect(recordsOf(await readAll(fx.log)).some((r) => r.key === 'a')).toBe(true)

    await fx.clock.advance(2)
    await roll(fx)
    await clean(fx)
    batches = await readAll(fx.log)
    expect(recordsOf(batches).some((r) => r.key === 'a')).toBe(false)
    expect(recordsOf(batches).find((r) => r.key === 'b')).toMatchObject({ offset: 1, value: '1' })
    await fx.manager.close()
  })

  it('keeps the emptied last batch of an active producer with its offsets, epoch and sequence (RETAIN_EMPTY)', async () => {
    const fx = await compactedLog()
    await appendKeyed(fx, [{ key: 'x', value: 'old' }, { key: 'y', value: 'old' }], { producerId: 5, producerEpoch: 2, baseSequence: 0 })
    await appendKeyed(fx, [{ key: 'x', value: 'new' }, { key: 'y', value: 'new' }])
    await roll(fx)
    await clean(fx)
    const batches = await readAll(fx.log)
    expect(batches[0]).toMatchObject({ baseOffset: 0, lastOffset: 1, producerId: 5, producerEpoch: 2, baseSequence: 0, records: [] })
    expect(batches[1]!.records.map((r) => r.value)).toEqual(['new', 'new'])

    // Once producer.id.expiration.ms has passed the producer is no longer active: its empty batch goes.
    await fx.clock.advance(60_001)
    fx.manager.removeExpiredProducers()
    await roll(fx)
    await clean(fx)
    expect((await readAll(fx.log))[0]!.producerId).toBe(-1)
    await fx.manager.close()
  })

  it('removes aborted transactional data, then the markers once their data is gone and their horizon has passed', async () => {
    const fx = await compactedLog({ deleteRetentionMs: 1000 })
    const txn = { transactional: true, producerEpoch: 0 }
    await appendKeyed(fx, [{ key: 'a', value: 'aborted' }], { ...txn, producerId: 7, baseSequence: 0 })
    await appendKeyed(fx, [{ key: 'b', value: 'committed' }], { ...txn, producerId: 8, baseSequence: 0 })
    const abortAt = await appendMarker(fx, 7, 0, false)
    const commitAt = await appendMarker(fx, 8, 0, true)
    await appendKeyed(fx, [{ key: 'c', value: 'plain' }, { key: 'b', value: 'newer' }])
    // Later batches of both producers, so the transactional ones are not their last.
    await appendKeyed(fx, [{ key: 'p7', value: '1' }], { producerId: 7, producerEpoch: 0, baseSequence: 1 })
    await appendKeyed(fx, [{ key: 'p8', value: '1' }], { producerId: 8, producerEpoch: 0, baseSequence: 1 })
    await roll(fx)

    const markers = async (): Promise<number[]> => (await readAll(fx.log)).filter((b) => b.control).map((b) => b.baseOffset)
    await clean(fx)
    let records = recordsOf(await readAll(fx.log))
    expect(records.find((r) => r.key === 'a')).toBeUndefined()
    expect(records.filter((r) => r.key === 'b').map((r) => r.value)).toEqual(['newer'])
    // The data went in this clean: the markers stay for now.
    expect(await markers()).toEqual([abortAt, commitAt])
    // The cleaned segment's transaction index keeps the abort whose marker stays.
    expect(await fx.log.collectAbortedTransactions(0, fx.log.logEndOffset)).toEqual([expect.objectContaining({ producerId: 7, firstOffset: 0, lastOffset: abortAt })])

    await roll(fx)
    await clean(fx)
    const marked = (await readAll(fx.log)).filter((b) => b.control)
    expect(marked.map((b) => b.baseOffset)).toEqual([abortAt, commitAt])
    expect(marked.every((b) => b.deleteHorizon === fx.clock.now() + 1000)).toBe(true)

    await fx.clock.advance(1001)
    await roll(fx)
    await clean(fx)
    expect(await markers()).toEqual([])
    records = recordsOf(await readAll(fx.log))
    expect(records.find((r) => r.key === 'c')).toMatchObject({ value: 'plain' })
    await fx.manager.close()
  })

  it('keeps a committed transaction’s marker while its data stays', async () => {
    const fx = await compactedLog({ deleteRetentionMs: 0 })
    await appendKeyed(fx, [{ key: 'k', value: 'v' }], { transactional: true, producerId: 9, producerEpoch: 0, baseSequence: 0 })
    const commitAt = await appendMarker(fx, 9, 0, true)
    await appendKeyed(fx, [{ key: 'z', value: '1' }], { producerId: 9, producerEpoch: 0, baseSequence: 1 })
    await roll(fx)
    await clean(fx)
    await fx.clock.advance(10)
    await roll(fx)
    await clean(fx)
    const batches = await readAll(fx.log)
    expect(batches.filter((b) => b.control).map((b) => b.baseOffset)).toEqual([commitAt])
    expect(recordsOf(batches).find((r) => r.key === 'k')).toMatchObject({ offset: 0, value: 'v' })
    await fx.manager.close()
  })

  it('leaves holes that recovery accepts, also once the topic is no longer compacted', async () => {
    const fx = await compactedLog()
    for (let i = 0; i < 30; i++) await appendKeyed(fx, [{ key: `k${i % 3}`, value: `v${i}`.padEnd(150, '.') }])
    await roll(fx)
    await clean(fx)
    const cleaned = await readAll(fx.log)
    fx.config.cleanupPolicy = ['delete']
    await fx.manager.close()
    // An unclean shutdown: every segment is recovered from the start.
    await rm(`${fx.dir}/.kafka_cleanshutdown`)
    await rm(`${fx.dir}/recovery-point-offset-checkpoint`)
    await fx.reopen()
    expect(await readAll(fx.log)).toEqual(cleaned)
    await fx.manager.close()
  })

  it('counts every byte it reads and writes for log.cleaner.io.max.bytes.per.second', async () => {
    const fx = await compactedLog()
    for (let i = 0; i < 60; i++) await appendKeyed(fx, [{ key: `k${i % 5}`, value: 'v'.repeat(100) }])
    await roll(fx)
    const dirty = fx.log.segments.slice(0, -1).reduce((n, s) => n + s.size, 0)
    const sizeBefore = fx.log.size
    let counted = 0
    const map = new OffsetMap(1 << 16)
    const result = await cleanLog(fx.log, 0, fx.log.segmentBaseOffsets.at(-1)!, {
      map: async () => (await map.clear(), map),
      loadFactor: 0.9,
      now: fx.clock.now(),
      pace: () => {},
      throttle: async (bytes) => void (counted += bytes),
      ioBufferBytes: 4096,
    })
    // The transaction scan reads the whole log, the key map and the rewrite the closed segments; then what is written.
    expect(counted).toBe(sizeBefore + dirty + dirty + result.stats.bytesRetained)
    expect(result.stats.bytesRetained).toBeGreaterThan(0)
    await fx.manager.close()
  })

  it('leaves producer state that survives a restart without snapshots: the producer goes on with its next sequence', async () => {
    const fx = await compactedLog()
    for (let seq = 0; seq < 5; seq++) await appendKeyed(fx, [{ key: 'k', value: `v${seq}` }], { producerId: 42, producerEpoch: 1, baseSequence: seq })
    await roll(fx)
    await clean(fx)
    expect(recordsOf(await readAll(fx.log)).filter((r) => r.key === 'k').map((r) => r.value)).toEqual(['v4'])
    await fx.manager.close()
    for (const f of await readdir(fx.log.dir)) if (f.endsWith('.snapshot')) await rm(`${fx.log.dir}/${f}`)
    await rm(`${fx.dir}/.kafka_cleanshutdown`)
    await rm(`${fx.dir}/recovery-point-offset-checkpoint`)
    await fx.reopen()
    expect(fx.log.producerState.lastEntry(42)?.lastSeq).toBe(4)
    const asClient = { origin: 'client' } as const
    await appendKeyed(fx, [{ key: 'k', value: 'v5' }], { producerId: 42, producerEpoch: 1, baseSequence: 5 }, asClient)
    await expect(appendKeyed(fx, [{ key: 'k', value: 'v7' }], { producerId: 42, producerEpoch: 1, baseSequence: 7 }, asClient)).rejects.toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER })
    await fx.manager.close()
  })

  it('loses no segment that appends roll while a clean swaps its segments in', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const fx = await compactedLog()
      const written = new Map<number, KeyedRecord>()
      const write = async (rec: KeyedRecord): Promise<void> => void written.set(await appendKeyed(fx, [rec]), rec)
      for (let i = 0; i < 40; i++) await write({ key: `k${i % 4}`, value: 'v'.repeat(200) })
      const activeBase = fx.log.segmentBaseOffsets.at(-1)!
      const cleaning = fx.manager.cleaner.cleanFilthiestLog()
      for (let i = 0; i < 40; i++) await write({ key: `n${i}`, value: 'w'.repeat(200) })
      expect((await cleaning)?.endOffset).toBe(activeBase)
      const latest = new Map<string, number>()
      for (const [offset, rec] of written) if (offset < activeBase) latest.set(rec.key!, offset)
      const expected = [...written].filter(([offset, rec]) => offset >= activeBase || latest.get(rec.key!) === offset).map(([offset]) => offset)
      expect(recordsOf(await readAll(fx.log)).map((r) => r.offset)).toEqual(expected)
      await fx.reopen()
      expect(recordsOf(await readAll(fx.log)).map((r) => r.offset)).toEqual(expected)
      await fx.manager.close()
    }
  })

  it('gives a cleaned segment the modification time of the last segment it replaces, as Kafka', async () => {
    const fx = await compactedLog()
    for (let i = 0; i < 30; i++) await appendKeyed(fx, [{ key: `k${i % 3}`, value: 'v'.repeat(200) }])
    await roll(fx)
    fx.config.segmentBytes = 1 << 20
    const closed = fx.log.segments.slice(0, -1)
    const old = new Date('2024-01-02T03:04:05Z')
    await utimes(closed.at(-1)!.path('.log'), old, old)
    await clean(fx)
    expect((await stat(fx.log.segments[0]!.path('.log'))).mtime.getTime()).toBe(old.getTime())
    await fx.manager.close()
  })
})
