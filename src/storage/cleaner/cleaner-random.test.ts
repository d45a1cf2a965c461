import { describe, expect, it } from 'vitest'
import { appendKeyed, appendMarker, compactedLog, readAll, recordsOf, type KeyedRecord } from '../../../test/storage/cleaner-fixture.js'
import { rng } from '../../../test/storage/helpers.js'
import { CompressionType } from '../../protocol/records/attributes.js'

describe('log cleaner, random operations against an oracle', () => {
  for (const seed of [1, 2, 3]) {
    it(`appends, cleans, DeleteRecords, aborted transactions and restarts keep every invariant (seed ${seed})`, async () => {
      const r = rng(seed)
      const fx = await compactedLog({ deleteRetentionMs: 5_000, segmentBytes: 1500 + r.int(0, 2000) })
      const written = new Map<number, KeyedRecord>()
      /** Offsets of records in aborted transactions: never seen again once cleaned. */
      const aborted = new Set<number>()
      let pid = 100
      let end = 0
      let cleans = 0
      for (let step = 0; step < 120; step++) {
        const action = r.int(0, 19)
        if (action === 0) {
          if ((await fx.manager.cleaner.cleanFilthiestLog()) !== null) cleans++
        } else if (action === 1 && fx.log.logEndOffset > 0) {
          const to = Math.min(fx.log.highWatermark, fx.log.logStartOffset + r.int(0, 5))
          await fx.log.deleteRecordsBefore(to)
        } else if (action === 2) {
          await fx.reopen()
        } else if (action === 3) {
          // An aborted transaction from a producer that never writes again (expired at once).
          const recs: KeyedRecord[] = [{ key: `k${r.int(0, 12)}`, value: `aborted-${step}` }]
          const base = await appendKeyed(fx, recs, { transactional: true, producerId: ++pid, producerEpoch: 0, baseSequence: 0 })
          written.set(base, recs[0]!)
          aborted.add(base)
          end = (await appendMarker(fx, pid, 0, false)) + 1
        } else {
          const recs: KeyedRecord[] = Array.from({ length: r.int(1, 4) }, () => ({ key: `k${r.int(0, 12)}`, value: r.int(0, 8) === 0 ? null : `s${step}-${'x'.repeat(r.int(0, 80))}` }))
          const base = await appendKeyed(fx, recs, { compression: r.int(0, 1) === 0 ? CompressionType.None : CompressionType.Lz4 })
          recs.forEach((rec, i) => written.set(base + i, rec))
          end = base + recs.length
        }
        await fx.clock.advance(r.int(0, 400))
        if (step % 10 === 9) fx.manager.removeExpiredProducers()

        const batches = await readAll(fx.log)
        const present = recordsOf(batches)
        // Offsets only increase, and every record is the one written at its offset.
        for (let i = 1; i < batches.length; i++) expect(batches[i]!.baseOffset).toBeGreaterThan(batches[i - 1]!.lastOffset)
        for (const p of present) expect({ offset: p.offset, key: p.key, value: p.value }).toEqual({ offset: p.offset, ...written.get(p.offset) })
        // Compaction never loses the latest record of a key, unless it is an expired tombstone or aborted.
        const cleanedTo = fx.manager.cleaner.checkpointed(fx.log) ?? 0
        const latest = new Map<string, number>()
        for (const [offset, rec] of written) if (offset >= fx.log.logStartOffset && !aborted.has(offset)) latest.set(rec.key!, offset)
        const offsets = new Set(present.map((p) => p.offset))
        for (const [, offset] of latest) if (written.get(offset)!.value !== null) expect(offsets.has(offset)).toBe(true)
        // Nothing above where the last clean ended is removed; aborted data below it is gone.
        for (const offset of written.keys()) if (offset >= Math.max(cleanedTo, fx.log.logStartOffset)) expect(offsets.has(offset)).toBe(true)
        for (const offset of aborted) if (offset < cleanedTo) expect(offsets.has(offset)).toBe(false)
        expect(fx.log.logEndOffset).toBe(end)
      }
      // The run did compact: cleans happened and most superseded records are gone.
      expect(cleans).toBeGreaterThan(1)
      expect(recordsOf(await readAll(fx.log)).length).toBeLessThan(written.size / 2)
      await fx.manager.close()
    })
  }
})
