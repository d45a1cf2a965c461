import { describe, expect, it } from 'vitest'
import { murmur2, partitionForKey } from './murmur2.js'

describe('murmur2', () => {
  it("matches Kafka's Utils.murmur2 test vectors", () => {
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ]
    for (const [input, expected] of cases) expect(murmur2(Buffer.from(input))).toBe(expected)
  })

  it('picks a partition in range from the positive hash', () => {
    expect(partitionForKey(Buffer.from('foobar'), 3)).toBe((-790332482 & 0x7fffffff) % 3)
  })
})
