import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { crc32c, crc32cJs, crc32cNative } from './crc32c.js'

describe('crc32c', () => {
  it('matches the standard check value for "123456789"', () => {
    const input = Buffer.from('123456789')
    expect(crc32cJs(input)).toBe(0xe3069283)
    expect(crc32c(input)).toBe(0xe3069283)
  })

  it('gives the same checksum from JS, native and the dispatcher at every length and alignment', () => {
    expect(crc32cNative()).not.toBeNull()
    const data = randomBytes(3000)
    for (const len of [0, 1, 7, 8, 9, 63, 64, 65, 255, 256, 257, 1000, 2990]) {
      for (const start of [0, 1, 3]) {
        const view = data.subarray(start, start + len)
        const js = crc32cJs(data, start, start + len)
        expect(crc32cNative()!(view)).toBe(js)
        expect(crc32c(data, start, start + len)).toBe(js)
      }
    }
  })

  it('continues a checksum across pieces', () => {
    const data = randomBytes(500)
    expect(crc32cJs(data, 200, 500, crc32cJs(data, 0, 200))).toBe(crc32cJs(data))
  })
})
