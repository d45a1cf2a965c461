import { describe, expect, it } from 'vitest'
import { ProtocolEncodeError } from './protocol-error.js'
import { Reader } from './reader.js'
import { Writer } from './writer.js'

const bytes = (fill: (w: Writer) => void): string => {
  const w = new Writer(4)
  fill(w)
  return w.toBuffer().toString('hex')
}

describe('Writer fixed-width values', () => {
  it('writes big-endian values', () => {
    expect(bytes((w) => {
      w.writeInt8(-1)
      w.writeInt16(-32768)
      w.writeInt32(-2147483648)
      w.writeInt64(-(2n ** 63n))
      w.writeUint16(65535)
      w.writeUint32(4294967295)
      w.writeFloat64(1)
      w.writeBool(false)
      w.writeBool(true)
    })).toBe('ff' + '8000' + '80000000' + '8000000000000000' + 'ffff' + 'ffffffff' + '3ff0000000000000' + '00' + '01')
  })
})

describe('Writer varints', () => {
  const cases: Array<[number, string]> = [
    [0, '00'], [-1, '01'], [1, '02'], [63, '7e'], [-64, '7f'], [64, '8001'],
    [2147483647, 'feffffff0f'], [-2147483648, 'ffffffff0f'],
  ]
  it.each(cases)('zigzag varint %d', (v, expected) => {
    expect(bytes((w) => w.writeVarint(v))).toBe(expected)
    expect(new Reader(Buffer.from(expected, 'hex')).readVarint()).toBe(v)
  })

  const longs: Array<[bigint, string]> = [
    [0n, '00'], [-1n, '01'], [2n ** 63n - 1n, 'feffffffffffffffff01'], [-(2n ** 63n), 'ffffffffffffffffff01'],
    [300n, 'd804'], [-2147483649n, '8180808010'],
  ]
  it.each(longs)('zigzag varlong %s', (v, expected) => {
    expect(bytes((w) => w.writeVarlong(v))).toBe(expected)
    expect(new Reader(Buffer.from(expected, 'hex')).readVarlong()).toBe(v)
  })

  it('writes unsigned varints and rejects values outside uint32', () => {
    expect(bytes((w) => w.writeUnsignedVarint(0xffffffff))).toBe('ffffffff0f')
    expect(bytes((w) => w.writeUnsignedVarint(300))).toBe('ac02')
    expect(() => new Writer().writeUnsignedVarint(-1)).toThrow(ProtocolEncodeError)
    expect(() => new Writer().writeUnsignedVarint(2 ** 32)).toThrow(ProtocolEncodeError)
    expect(() => new Writer().writeUnsignedVarint(1.5)).toThrow(ProtocolEncodeError)
  })
})

describe('Writer strings, bytes and arrays', () => {
  it('writes classic, compact and null forms', () => {
    expect(bytes((w) => w.writeString('foo'))).toBe('0003666f6f')
    expect(bytes((w) => w.writeNullableString(null))).toBe('ffff')
    expect(bytes((w) => w.writeCompactString('é'))).toBe('03c3a9')
    expect(bytes((w) => w.writeCompactNullableString(null))).toBe('00')
    expect(bytes((w) => w.writeBytes(Buffer.from('ab', 'hex')))).toBe('00000001ab')
    expect(bytes((w) => w.writeNullableBytes(null))).toBe('ffffffff')
    expect(bytes((w) => w.writeCompactBytes(Buffer.alloc(0)))).toBe('01')
    expect(bytes((w) => w.writeCompactNullableBytes(null))).toBe('00')
    expect(bytes((w) => w.writeArray([1, 2], (x, v) => x.writeInt8(v)))).toBe('000000020102')
    expect(bytes((w) => w.writeCompactArray([1, 2], (x, v) => x.writeInt8(v)))).toBe('030102')
    expect(bytes((w) => w.writeArrayLength(-1))).toBe('ffffffff')
    expect(bytes((w) => w.writeCompactArrayLength(-1))).toBe('00')
    expect(bytes((w) => w.writeEmptyTaggedFields())).toBe('00')
  })

  it('rejects strings longer than an int16 length allows', () => {
    expect(() => new Writer().writeString('x'.repeat(0x8000))).toThrow(ProtocolEncodeError)
    expect(bytes((w) => w.writeString('x'.repeat(0x7fff))).length).toBe((2 + 0x7fff) * 2)
  })

  it('writes and validates uuids', () => {
    expect(bytes((w) => w.writeUuid('AAAAAAAAAAAAAAAAAAAAAQ'))).toBe('00'.repeat(15) + '01')
    expect(() => new Writer().writeUuid('short')).toThrow(ProtocolEncodeError)
    expect(() => new Writer().writeUuid('!!!!!!!!!!!!!!!!!!!!!!')).toThrow(ProtocolEncodeError)
  })
})

describe('Writer chunks', () => {
  it('grows across slabs and keeps the byte order', () => {
    const w = new Writer(2)
    for (let i = 0; i < 1000; i++) w.writeInt32(i)
    expect(w.length).toBe(4000)
    const r = new Reader(w.toBuffer())
    for (let i = 0; i < 1000; i++) expect(r.readInt32()).toBe(i)
  })

  it('appends raw chunks by reference, between slab pieces', () => {
    const batch = Buffer.from('0102030405', 'hex')
    const w = new Writer(64)
    w.writeInt16(7)
    w.writeNullableRecords(batch)
    w.writeInt8(-1)
    const chunks = w.toChunks()
    expect(chunks).toHaveLength(3)
    expect(chunks[1]).toBe(batch)
    expect(w.length).toBe(2 + 4 + 5 + 1)
    expect(w.toBuffer().toString('hex')).toBe('0007' + '00000005' + '0102030405' + 'ff')
  })

  it('writes null and compact records', () => {
    expect(bytes((w) => w.writeNullableRecords(null))).toBe('ffffffff')
    expect(bytes((w) => w.writeCompactNullableRecords(null))).toBe('00')
    expect(bytes((w) => w.writeCompactNullableRecords(Buffer.from('ab', 'hex')))).toBe('02ab')
  })

  it('can keep writing after toChunks and appends other writers by reference', () => {
    const inner = new Writer()
    inner.writeInt8(1)
    const w = new Writer()
    w.writeInt8(0)
    expect(w.toChunks()).toHaveLength(1)
    w.writeChunks(inner.toChunks())
    w.writeInt8(2)
    expect(w.toBuffer().toString('hex')).toBe('000102')
    expect(new Writer().toBuffer()).toHaveLength(0)
  })
})
