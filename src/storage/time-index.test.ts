import { describe, expect, it } from 'vitest'
import { TimeIndex } from './time-index.js'

describe('TimeIndex', () => {
  it('adds only rising timestamps and finds the last entry strictly below a target', () => {
    const idx = new TimeIndex(50, 1200)
    expect(idx.lastEntry()).toEqual({ timestamp: -1, offset: 50 })
    idx.maybeAppend(1000, 55)
    idx.maybeAppend(1000, 57)
    idx.maybeAppend(900, 58)
    idx.maybeAppend(2000, 60)
    expect(idx.entries).toBe(2)
    expect(idx.lookupBefore(1000)).toBeNull()
    expect(idx.lookupBefore(1001)).toEqual({ timestamp: 1000, offset: 55 })
    expect(idx.lookupBefore(99_999)).toEqual({ timestamp: 2000, offset: 60 })
    expect(() => idx.maybeAppend(3000, 59)).toThrow(RangeError)
  })

  it('writes 12-byte entries: int64 timestamp, int32 relative offset', () => {
    const idx = new TimeIndex(10, 1200)
    idx.maybeAppend(2 ** 40, 12)
    expect(idx.toBuffer().toString('hex')).toBe('000001000000000000000002')
    expect(new TimeIndex(10, 1200, idx.toBuffer()).lastEntry()).toEqual({ timestamp: 2 ** 40, offset: 12 })
  })

  it('takes one final entry past a full index when the segment closes', () => {
    const idx = new TimeIndex(0, 24)
    idx.maybeAppend(1, 1)
    idx.maybeAppend(2, 2)
    idx.maybeAppend(3, 3)
    expect(idx.entries).toBe(2)
    idx.maybeAppend(4, 4, true)
    expect(idx.lastEntry()).toEqual({ timestamp: 4, offset: 4 })
  })

  it('names what makes a file unusable', () => {
    const idx = new TimeIndex(0, 1200)
    idx.maybeAppend(5, 1)
    idx.maybeAppend(9, 3)
    expect(idx.problem(10)).toBeNull()
    expect(idx.problem(3)).toMatch(/past 3/)
    const bad = Buffer.from(idx.toBuffer())
    bad.writeInt32BE(0, 16)
    bad.writeInt32BE(4, 20)
    expect(new TimeIndex(0, 1200, bad).problem(10)).toMatch(/does not increase/)
  })
})
