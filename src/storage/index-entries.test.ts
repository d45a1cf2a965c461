import { describe, expect, it } from 'vitest'
import { IndexEntries } from './index-entries.js'

describe('IndexEntries', () => {
  it('grows by doubling up to its capacity and keeps earlier entries', () => {
    const e = new IndexEntries(8, 100)
    for (let i = 0; i < 100; i++) {
      const at = e.add()
      e.buf.writeInt32BE(i, at)
    }
    expect(e.count).toBe(100)
    expect(e.memoryBytes).toBe(800)
    expect(Array.from({ length: 100 }, (_, i) => e.buf.readInt32BE(i * 8))).toEqual(Array.from({ length: 100 }, (_, i) => i))
  })

  it('keeps every entry of a file larger than the capacity, and truncates to a count', () => {
    const file = Buffer.alloc(8 * 80)
    for (let i = 0; i < 80; i++) file.writeInt32BE(i + 1, i * 8)
    const e = new IndexEntries(8, 10, file)
    expect([e.count, e.capacity]).toEqual([80, 80])
    e.truncate(3)
    expect(e.toBuffer()).toEqual(file.subarray(0, 24))
    e.truncate(5)
    expect(e.count).toBe(3)
  })
})
