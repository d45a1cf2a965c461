import { describe, expect, it } from 'vitest'
import { isUuid, ONE_UUID, randomUuid, uuidFromBytes, uuidToBytes, ZERO_UUID } from './uuid.js'

describe('uuid', () => {
  it('uses Kafka string forms for the reserved ids', () => {
    expect(uuidToBytes(ZERO_UUID)).toEqual(Buffer.alloc(16))
    expect(uuidToBytes(ONE_UUID)).toEqual(Buffer.from('00'.repeat(15) + '01', 'hex'))
  })

  it('converts to and from 16 bytes', () => {
    const bytes = Buffer.from('f0e1d2c3b4a5968778695a4b3c2d1e0f', 'hex')
    const id = uuidFromBytes(Buffer.concat([Buffer.from('ff', 'hex'), bytes]), 1)
    expect(id).toHaveLength(22)
    expect(uuidToBytes(id)).toEqual(bytes)
    expect(() => uuidFromBytes(bytes, 1)).toThrow(RangeError)
  })

  it('rejects malformed ids', () => {
    expect(() => uuidToBytes('abc')).toThrow(RangeError)
    expect(() => uuidToBytes('AAAAAAAAAAAAAAAAAAAAA=')).toThrow(RangeError)
    expect(isUuid('AAAAAAAAAAAAAAAAAAAAA/')).toBe(false)
    expect(isUuid(ONE_UUID)).toBe(true)
  })

  it('makes random version-4 ids that never start with "-"', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 2000; i++) {
      const id = randomUuid()
      expect(id.startsWith('-')).toBe(false)
      const b = uuidToBytes(id)
      expect(b[6]! >> 4).toBe(4)
      expect(b[8]! >> 6).toBe(2)
      seen.add(id)
    }
    expect(seen.size).toBe(2000)
  })
})
