/**
 * Reader: a cursor over a Buffer that decodes Kafka's wire types, big-endian.
 *
 * Classic forms: string = int16 length + UTF-8 (-1 null), bytes = int32 length (-1 null),
 * array = int32 count (-1 null). Compact forms (flexible versions): the same with an
 * unsigned varint holding length + 1 (0 null). A tagged-field section is an unsigned varint
 * count, then per field an unsigned varint tag, an unsigned varint size and the bytes.
 *
 * Every read checks bounds and throws ProtocolDecodeError; lengths are checked against the
 * remaining bytes before anything is allocated. Bytes come back as `subarray` views.
 */
import { ProtocolDecodeError } from './protocol-error.js'

export const EMPTY_BUFFER: Buffer = Buffer.alloc(0)

export class Reader {
  readonly #buf: Buffer
  readonly #end: number
  #pos: number

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    if (offset < 0 || end > buf.length || offset > end) throw new RangeError('Reader bounds outside the buffer')
    this.#buf = buf
    this.#pos = offset
    this.#end = end
  }

  get offset(): number {
    return this.#pos
  }

  get remaining(): number {
    return this.#end - this.#pos
  }

  /** Reserves `n` bytes and returns where they start. */
  #take(n: number): number {
    const pos = this.#pos
    if (n > this.#end - pos) {
      throw new ProtocolDecodeError(`truncated input: need ${n} bytes at offset ${pos}, ${this.#end - pos} left`)
    }
    this.#pos = pos + n
    return pos
  }

  skip(n: number): void {
    if (n < 0) throw new ProtocolDecodeError(`negative skip ${n}`)
    this.#take(n)
  }

  readInt8(): number {
    return this.#buf.readInt8(this.#take(1))
  }

  readInt16(): number {
    return this.#buf.readInt16BE(this.#take(2))
  }

  readInt32(): number {
    return this.#buf.readInt32BE(this.#take(4))
  }

  readInt64(): bigint {
    return this.#buf.readBigInt64BE(this.#take(8))
  }

  readUint16(): number {
    return this.#buf.readUInt16BE(this.#take(2))
  }

  readUint32(): number {
    return this.#buf.readUInt32BE(this.#take(4))
  }

  readFloat64(): number {
    return this.#buf.readDoubleBE(this.#take(8))
  }

  readBool(): boolean {
    return this.#buf[this.#take(1)] !== 0
  }

  /** Unsigned LEB128 of at most 5 bytes (a uint32), as Kafka's ByteUtils.readUnsignedVarint. */
  readUnsignedVarint(): number {
    const buf = this.#buf
    let value = 0
    for (let shift = 0; shift < 35; shift += 7) {
      const b = buf[this.#take(1)]!
      value += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) throw new ProtocolDecodeError('unsigned varint exceeds 32 bits')
        return value
      }
    }
    throw new ProtocolDecodeError('varint is longer than 5 bytes')
  }

  /** Zigzag-encoded int32. */
  readVarint(): number {
    const v = this.readUnsignedVarint()
    return (v >>> 1) ^ -(v & 1)
  }

  /** Zigzag-encoded int64 of at most 10 bytes. */
  readVarlong(): bigint {
    const buf = this.#buf
    let value = 0n
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = buf[this.#take(1)]!
      value |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) {
        value = BigInt.asUintN(64, value)
        return (value >> 1n) ^ -(value & 1n)
      }
    }
    throw new ProtocolDecodeError('varlong is longer than 10 bytes')
  }

  /** 16 bytes, returned in Kafka's string form (base64url without padding). */
  readUuid(): string {
    const pos = this.#take(16)
    return this.#buf.toString('base64url', pos, pos + 16)
  }

  #utf8(len: number): string {
    const pos = this.#take(len)
    return this.#buf.toString('utf8', pos, pos + len)
  }

  readString(): string {
    const len = this.readInt16()
    if (len < 0) throw new ProtocolDecodeError('non-nullable string is null')
    return this.#utf8(len)
  }

  readNullableString(): string | null {
    const len = this.readInt16()
    return len < 0 ? null : this.#utf8(len)
  }

  readCompactString(): string {
    const len = this.readUnsignedVarint() - 1
    if (len < 0) throw new ProtocolDecodeError('non-nullable compact string is null')
    return this.#utf8(len)
  }

  readCompactNullableString(): string | null {
    const len = this.readUnsignedVarint() - 1
    return len < 0 ? null : this.#utf8(len)
  }

  /** `len` bytes as a view into the underlying buffer (no copy). */
  readRawBytes(len: number): Buffer {
    const pos = this.#take(len)
    return this.#buf.subarray(pos, pos + len)
  }

  readBytes(): Buffer {
    const len = this.readInt32()
    if (len < 0) throw new ProtocolDecodeError('non-nullable bytes are null')
    return this.readRawBytes(len)
  }

  readNullableBytes(): Buffer | null {
    const len = this.readInt32()
    return len < 0 ? null : this.readRawBytes(len)
  }

  readCompactBytes(): Buffer {
    const len = this.readUnsignedVarint() - 1
    if (len < 0) throw new ProtocolDecodeError('non-nullable compact bytes are null')
    return this.readRawBytes(len)
  }

  readCompactNullableBytes(): Buffer | null {
    const len = this.readUnsignedVarint() - 1
    return len < 0 ? null : this.readRawBytes(len)
  }

  /**
   * Element count of an array, -1 for null. Like Kafka, a count above the remaining bytes is
   * rejected before allocation (every element takes at least one byte).
   */
  readArrayLength(compact: boolean): number {
    const n = compact ? this.readUnsignedVarint() - 1 : this.readInt32()
    if (n < -1) throw new ProtocolDecodeError(`invalid array length ${n}`)
    if (n > this.#end - this.#pos) {
      throw new ProtocolDecodeError(`array of ${n} elements but only ${this.#end - this.#pos} bytes left`)
    }
    return n
  }

  #items<T>(n: number, readItem: (r: Reader) => T): T[] {
    const out = new Array<T>(n)
    for (let i = 0; i < n; i++) out[i] = readItem(this)
    return out
  }

  readArray<T>(readItem: (r: Reader) => T): T[] {
    const n = this.readArrayLength(false)
    if (n < 0) throw new ProtocolDecodeError('non-nullable array is null')
    return this.#items(n, readItem)
  }

  readNullableArray<T>(readItem: (r: Reader) => T): T[] | null {
    const n = this.readArrayLength(false)
    return n < 0 ? null : this.#items(n, readItem)
  }

  readCompactArray<T>(readItem: (r: Reader) => T): T[] {
    const n = this.readArrayLength(true)
    if (n < 0) throw new ProtocolDecodeError('non-nullable compact array is null')
    return this.#items(n, readItem)
  }

  readCompactNullableArray<T>(readItem: (r: Reader) => T): T[] | null {
    const n = this.readArrayLength(true)
    return n < 0 ? null : this.#items(n, readItem)
  }

  /** Reads a tagged field's size and returns the offset where the field ends. */
  taggedFieldEnd(): number {
    const size = this.readUnsignedVarint()
    const pos = this.#pos
    this.#take(size)
    this.#pos = pos
    return pos + size
  }

  /** After decoding a known tagged field: its bytes must have been consumed exactly. */
  endTaggedField(end: number): void {
    if (this.#pos !== end) {
      throw new ProtocolDecodeError(`tagged field ends at offset ${this.#pos}, its size says ${end}`)
    }
  }

  /** Skips an unknown tagged field whose end came from taggedFieldEnd(). */
  skipTaggedField(end: number): void {
    this.#pos = end
  }

  /** Skips a whole tagged-field section (a structure with no known tagged fields). */
  skipTaggedFields(): void {
    for (let n = this.readUnsignedVarint(); n > 0; n--) {
      this.readUnsignedVarint()
      this.skip(this.readUnsignedVarint())
    }
  }
}
