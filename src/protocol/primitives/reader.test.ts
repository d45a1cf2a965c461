import { describe, expect, it } from 'vitest'
import { ProtocolDecodeError } from './protocol-error.js'
import { Reader } from './reader.js'

const hex = (s: string): Reader => new Reader(Buffer.from(s.replace(/\s/g, ''), 'hex'))

describe('Reader fixed-width integers', () => {
  it('reads big-endian values', () => {
    const r = hex('ff 8000 80000000 8000000000000000 ffff ffffffff 3ff0000000000000 00 02')
    expect(r.readInt8()).toBe(-1)
    expect(r.readInt16()).toBe(-32768)
    expect(r.readInt32()).toBe(-2147483648)
    expect(r.readInt64()).toBe(-(2n ** 63n))
    expect(r.readUint16()).toBe(65535)
    expect(r.readUint32()).toBe(4294967295)
    expect(r.readFloat64()).toBe(1)
    expect(r.readBool()).toBe(false)
    expect(r.readBool()).toBe(true)
    expect(r.remaining).toBe(0)
  })

  it('throws ProtocolDecodeError past the end, leaving the cursor in place', () => {
    const r = hex('000000')
    expect(() => r.readInt32()).toThrow(ProtocolDecodeError)
    expect(r.offset).toBe(0)
    expect(r.readInt16()).toBe(0)
    expect(() => r.readInt16()).toThrow(/truncated/)
  })

  it('honours a window narrower than the buffer', () => {
    const r = new Reader(Buffer.from('0102030405', 'hex'), 1, 3)
    expect(r.readInt16()).toBe(0x0203)
    expect(() => r.readInt8()).toThrow(ProtocolDecodeError)
  })
})

describe('Reader varints', () => {
  it('reads unsigned varints up to 32 bits', () => {
    expect(hex('00').readUnsignedVarint()).toBe(0)
    expect(hex('7f').readUnsignedVarint()).toBe(127)
    expect(hex('8001').readUnsignedVarint()).toBe(128)
    expect(hex('ffffffff0f').readUnsignedVarint()).toBe(0xffffffff)
  })

  it('rejects varints longer than 5 bytes or wider than 32 bits', () => {
    expect(() => hex('8080808080').readUnsignedVarint()).toThrow(/longer than 5/)
    expect(() => hex('ffffffff1f').readUnsignedVarint()).toThrow(/32 bits/)
    expect(() => hex('80').readUnsignedVarint()).toThrow(ProtocolDecodeError)
  })

  it('reads zigzag varints', () => {
    expect(hex('00').readVarint()).toBe(0)
    expect(hex('01').readVarint()).toBe(-1)
    expect(hex('02').readVarint()).toBe(1)
    expect(hex('feffffff0f').readVarint()).toBe(2147483647)
    expect(hex('ffffffff0f').readVarint()).toBe(-2147483648)
  })

  it('reads zigzag varlongs', () => {
    expect(hex('00').readVarlong()).toBe(0n)
    expect(hex('01').readVarlong()).toBe(-1n)
    expect(hex('feffffffffffffffff01').readVarlong()).toBe(2n ** 63n - 1n)
    expect(hex('ffffffffffffffffff01').readVarlong()).toBe(-(2n ** 63n))
    expect(() => hex('ffffffffffffffffffff01').readVarlong()).toThrow(/longer than 10/)
  })
})

describe('Reader strings and bytes', () => {
  it('reads classic and compact strings', () => {
    expect(hex('0003 666f6f').readString()).toBe('foo')
    expect(hex('ffff').readNullableString()).toBeNull()
    expect(hex('04 666f6f').readCompactString()).toBe('foo')
    expect(hex('00').readCompactNullableString()).toBeNull()
    expect(hex('0002 c3a9').readString()).toBe('é')
  })

  it('rejects null where the form is not nullable', () => {
    expect(() => hex('ffff').readString()).toThrow(/non-nullable/)
    expect(() => hex('00').readCompactString()).toThrow(/non-nullable/)
    expect(() => hex('ffffffff').readBytes()).toThrow(/non-nullable/)
    expect(() => hex('00').readCompactBytes()).toThrow(/non-nullable/)
  })

  it('rejects lengths beyond the input', () => {
    expect(() => hex('0005 666f6f').readString()).toThrow(ProtocolDecodeError)
    expect(() => hex('7fffffff 00').readBytes()).toThrow(ProtocolDecodeError)
    expect(() => hex('ffffffff0f').readCompactNullableBytes()).toThrow(ProtocolDecodeError)
  })

  it('returns bytes as views of the input', () => {
    const buf = Buffer.from('00000002abcd', 'hex')
    const b = new Reader(buf).readBytes()
    expect(b).toEqual(Buffer.from('abcd', 'hex'))
    expect(b.buffer).toBe(buf.buffer)
    expect(hex('ffffffff').readNullableBytes()).toBeNull()
    expect(hex('03 abcd').readCompactBytes()).toEqual(Buffer.from('abcd', 'hex'))
  })

  it('reads uuids in Kafka string form', () => {
    expect(hex('00'.repeat(15) + '01').readUuid()).toBe('AAAAAAAAAAAAAAAAAAAAAQ')
  })
})

describe('Reader arrays', () => {
  const int8 = (r: Reader): number => r.readInt8()

  it('reads classic and compact arrays with their null forms', () => {
    expect(hex('00000002 01 02').readArray(int8)).toEqual([1, 2])
    expect(hex('ffffffff').readNullableArray(int8)).toBeNull()
    expect(hex('03 01 02').readCompactArray(int8)).toEqual([1, 2])
    expect(hex('00').readCompactNullableArray(int8)).toBeNull()
    expect(hex('01').readCompactArray(int8)).toEqual([])
  })

  it('rejects null and impossible counts before allocating', () => {
    expect(() => hex('ffffffff').readArray(int8)).toThrow(/non-nullable/)
    expect(() => hex('00').readCompactArray(int8)).toThrow(/non-nullable/)
    expect(() => hex('7fffffff').readArray(int8)).toThrow(/2147483647 elements/)
    expect(() => hex('fffffffe').readNullableArray(int8)).toThrow(/invalid array length/)
    expect(() => hex('ffffffff0f').readCompactArray(int8)).toThrow(ProtocolDecodeError)
  })
})

describe('Reader tagged fields', () => {
  it('skips a whole section', () => {
    const r = hex('02 00 02 abcd 05 00 ff')
    r.skipTaggedFields()
    expect(r.readInt8()).toBe(-1)
  })

  it('bounds a tagged field by its size', () => {
    const r = hex('02 0001 ff')
    const end = r.taggedFieldEnd()
    expect(end).toBe(3)
    expect(r.readInt8()).toBe(0)
    expect(() => r.endTaggedField(end)).toThrow(/size says/)
    r.skipTaggedField(end)
    expect(r.readInt8()).toBe(-1)
  })

  it('rejects a size beyond the input', () => {
    expect(() => hex('05 00').taggedFieldEnd()).toThrow(ProtocolDecodeError)
    expect(() => hex('01 00 05 00').skipTaggedFields()).toThrow(ProtocolDecodeError)
  })
})
