import { describe, expect, it } from 'vitest'
import { OffsetIndex } from './offset-index.js'

describe('OffsetIndex', () => {
  it('finds the last entry at or below a target, or the segment start', () => {
    const idx = new OffsetIndex(100, 1024)
    idx.append(105, 400)
    idx.append(110, 900)
    idx.append(130, 2000)
    expect(idx.lookup(99)).toEqual({ offset: 100, position: 0 })
    expect(idx.lookup(104)).toEqual({ offset: 100, position: 0 })
    expect(idx.lookup(105)).toEqual({ offset: 105, position: 400 })
    expect(idx.lookup(129)).toEqual({ offset: 110, position: 900 })
    expect(idx.lookup(1_000_000)).toEqual({ offset: 130, position: 2000 })
    expect(() => idx.append(130, 2100)).toThrow(RangeError)
  })

  it('finds the last entry at or below a file position, or none', () => {
    const idx = new OffsetIndex(100, 1024)
    expect(idx.lookupPosition(5000)).toBeNull()
    idx.append(105, 400)
    idx.append(110, 900)
    expect(idx.lookupPosition(399)).toBeNull()
    expect(idx.lookupPosition(400)).toEqual({ offset: 105, position: 400 })
    expect(idx.lookupPosition(899)).toEqual({ offset: 105, position: 400 })
    expect(idx.lookupPosition(1_000_000)).toEqual({ offset: 110, position: 900 })
  })

  it('stores relative offsets in its 8-byte file entries and reads them back', () => {
    const idx = new OffsetIndex(1000, 1024)
    idx.append(1003, 77)
    expect([...idx.toBuffer()]).toEqual([0, 0, 0, 3, 0, 0, 0, 77])
    const again = new OffsetIndex(1000, 1024, idx.toBuffer())
    expect(again.lookup(1004)).toEqual({ offset: 1003, position: 77 })
  })

  it('ignores entries past segment.index.bytes and reports itself full', () => {
    const idx = new OffsetIndex(0, 20)
    for (let i = 1; i <= 5; i++) idx.append(i, i * 10)
    expect(idx.entries).toBe(2)
    expect(idx.isFull).toBe(true)
  })

  it('drops entries at and after a truncation offset', () => {
    const idx = new OffsetIndex(0, 1024)
    for (let i = 1; i <= 5; i++) idx.append(i * 10, i * 100)
    idx.truncateFrom(30)
    expect(idx.entries).toBe(2)
    expect(idx.lookup(100)).toEqual({ offset: 20, position: 200 })
  })

  it('names what makes a file unusable: order, range, zero fill', () => {
    const entries = (pairs: Array<[number, number]>): Buffer => {
      const b = Buffer.alloc(pairs.length * 8)
      pairs.forEach(([o, p], i) => (b.writeInt32BE(o, i * 8), b.writeInt32BE(p, i * 8 + 4)))
      return b
    }
    expect(new OffsetIndex(0, 1024, entries([[1, 10], [2, 20]])).problem(100, 10)).toBeNull()
    expect(new OffsetIndex(0, 1024, entries([[2, 10], [1, 20]])).problem(100, 10)).toMatch(/does not increase/)
    expect(new OffsetIndex(0, 1024, entries([[1, 10], [0, 0]])).problem(100, 10)).toMatch(/does not increase/)
    expect(new OffsetIndex(0, 1024, entries([[1, 10], [12, 20]])).problem(100, 10)).toMatch(/past the segment's end/)
    expect(new OffsetIndex(0, 1024, entries([[1, 50], [2, 20]])).problem(100, 10)).toMatch(/position/)
    expect(new OffsetIndex(0, 1024, entries([[1, 10], [2, 200]])).problem(100, 10)).toMatch(/position/)
  })
})
