import { describe, expect, it } from 'vitest'
import { appendKeyed, compactedLog } from '../../../test/storage/cleaner-fixture.js'
import { groupSegmentsBySize } from './segment-groups.js'

describe('groupSegmentsBySize', () => {
  it('groups consecutive segments while the log and index sizes fit', async () => {
    const fx = await compactedLog({ segmentBytes: 1100, indexIntervalBytes: 100 })
    for (let i = 0; i < 40; i++) await appendKeyed(fx, [{ key: `k${i}`, value: 'v'.repeat(200) }])
    const closed = fx.log.segments.slice(0, -1)
    expect(closed.length).toBeGreaterThan(8)
    const sizes = closed.map((s) => s.size)
    const bySize = await groupSegmentsBySize(closed, 3 * Math.max(...sizes), 1 << 20, fx.log.logEndOffset)
    expect(bySize.flat()).toEqual(closed)
    for (const g of bySize) expect(g.reduce((n, s) => n + s.size, 0)).toBeLessThanOrEqual(3 * Math.max(...sizes))
    expect(bySize.length).toBeGreaterThan(1)
    expect(bySize.length).toBeLessThan(closed.length)

    // Index entries count as well: 8 bytes each, so a tiny index limit keeps segments apart.
    const entries = await Promise.all(closed.map(async (s) => (await s.indexes()).offsets.entries))
    expect(Math.min(...entries)).toBeGreaterThan(0)
    const byIndex = await groupSegmentsBySize(closed, 1 << 30, 8 * Math.max(...entries) + 4, fx.log.logEndOffset)
    expect(byIndex.every((g) => g.length === 1)).toBe(true)
    await fx.manager.close()
  })
})
