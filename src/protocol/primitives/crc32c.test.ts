import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { crc32c, crc32cJs, crc32cNative, loadAddonCrc, loadPackageCrc, type NativeCrc } from './crc32c.js'

describe('crc32c', () => {
  it('matches the standard check value for "123456789"', () => {
    const input = Buffer.from('123456789')
    expect(crc32cJs(input)).toBe(0xe3069283)
    expect(crc32c(input)).toBe(0xe3069283)
  })

  // `npm install` builds the addon (scripts/build-native.mjs); on x64 with a compiler it must be there.
  it.runIf(process.arch === 'x64')('loads the project addon first', () => {
    expect(loadAddonCrc()).not.toBeNull()
    expect(crc32cNative()?.minBytes).toBe(loadAddonCrc()?.minBytes)
  })

  const natives: Array<[string, NativeCrc | null]> = [
    ['addon', loadAddonCrc()],
    ['@node-rs/crc32', loadPackageCrc()],
  ]
  it.each(natives.filter(([, n]) => n !== null))('%s gives the JS checksum at every length and alignment', (_, n) => {
    // Lengths around the addon's interleaved blocks: 3 x 256 and 3 x 8192 bytes.
    const data = randomBytes(60_000)
    for (const len of [0, 1, 7, 8, 9, 63, 64, 65, 255, 256, 257, 767, 768, 769, 1000, 2990, 24_575, 24_576, 24_577, 49_160, 59_990]) {
      for (const start of [0, 1, 3]) {
        const js = crc32cJs(data, start, start + len)
        expect(n!.crc(data, start, start + len)).toBe(js)
        expect(crc32c(data, start, start + len)).toBe(js)
      }
    }
  })

  it('refuses a range outside the buffer in the addon', () => {
    const addon = loadAddonCrc()
    if (addon === null) return
    expect(() => addon.crc(Buffer.alloc(10), 5, 11)).toThrow(RangeError)
    expect(() => addon.crc(Buffer.alloc(10), 6, 5)).toThrow(RangeError)
  })

  it('continues a checksum across pieces', () => {
    const data = randomBytes(500)
    expect(crc32cJs(data, 200, 500, crc32cJs(data, 0, 200))).toBe(crc32cJs(data))
  })
})
