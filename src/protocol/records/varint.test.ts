import { describe, expect, it } from 'vitest'
import { readVarint, readVarlong, varlongSize, VarintError, writeVarlong } from './varint.js'

describe('varints', () => {
  it('round-trips int32 and int64 values with the zigzag sizes Kafka uses', () => {
    const cases: Array<[number, number]> = [
      [0, 1], [-1, 1], [1, 1], [63, 1], [-64, 1], [64, 2], [-65, 2], [58, 1], [64, 2],
      [2147483647, 5], [-2147483648, 5], [1_700_000_000_000, 6], [-(2 ** 52), 8], [2 ** 53 - 1, 8],
    ]
    for (const [value, size] of cases) {
      const buf = Buffer.alloc(12)
      expect(writeVarlong(buf, 1, value)).toBe(1 + size)
      expect(varlongSize(value)).toBe(size)
      const cur = { pos: 1 }
      expect(readVarlong(buf, cur)).toBe(value)
      expect(cur.pos).toBe(1 + size)
      if (value >= -(2 ** 31) && value < 2 ** 31) expect(readVarint(buf, { pos: 1 })).toBe(value)
    }
  })

  it('encodes like the protocol: -1 is 0x01, 64 is 0x80 0x01', () => {
    const buf = Buffer.alloc(2)
    writeVarlong(buf, 0, -1)
    expect(buf[0]).toBe(1)
    writeVarlong(buf, 0, 64)
    expect([...buf]).toEqual([0x80, 0x01])
  })

  it('rejects varints that run off the buffer or are too long', () => {
    expect(() => readVarint(Buffer.from([0x80]), { pos: 0 })).toThrow(VarintError)
    expect(() => readVarint(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), { pos: 0 })).toThrow(VarintError)
    expect(() => readVarlong(Buffer.alloc(11, 0x80), { pos: 0 })).toThrow(VarintError)
  })
})
