import { describe, expect, it } from 'vitest'
import { OffsetMap, murmur128 } from './offset-map.js'

describe('OffsetMap', () => {
  it('keeps the latest offset per key in its fixed memory, like a Map', async () => {
    const map = new OffsetMap(24 * 50_000)
    await map.clear()
    const oracle = new Map<string, number>()
    for (let offset = 0; offset < 40_000; offset++) {
      const key = Buffer.from(`key-${(offset * 7919) % 20_000}`)
      map.put(key, 0, key.length, offset)
      oracle.set(key.toString(), offset)
    }
    expect(map.size).toBe(oracle.size)
    expect(map.latestOffset).toBe(39_999)
    const wrong = [...oracle].filter(([k, offset]) => map.get(Buffer.from(k), 0, k.length) !== offset)
    expect(wrong).toEqual([])
    expect(map.get(Buffer.from('absent'), 0, 6)).toBe(-1)
    await map.clear()
    expect(map.size).toBe(0)
    expect(map.get(Buffer.from('key-1'), 0, 5)).toBe(-1)
  })

  it('reads a key from within a larger buffer, and refuses a put when full', async () => {
    const map = new OffsetMap(24 * 2)
    await map.clear()
    const buf = Buffer.from('xxabcyy')
    map.put(buf, 2, 5, 9)
    expect(map.get(Buffer.from('abc'), 0, 3)).toBe(9)
    map.put(Buffer.from('d'), 0, 1, 10)
    expect(() => map.put(Buffer.from('e'), 0, 1, 11)).toThrow(RangeError)
  })

  it('hashes every tail length and distinguishes near keys', () => {
    const seen = new Set<string>()
    const out = new Int32Array(4)
    for (let len = 0; len <= 40; len++) {
      for (const fill of [0, 1, 255]) {
        murmur128(Buffer.alloc(len, fill), 0, len, out)
        seen.add([...out].join(','))
      }
    }
    // Empty keys of any fill hash alike; every other (length, fill) pair differs.
    expect(seen.size).toBe(1 + 40 * 3)
  })
})
