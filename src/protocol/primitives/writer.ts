/**
 * Writer: encodes Kafka's wire types (see reader.ts for the forms) into a list of chunks.
 *
 * Small writes go into the current slab; when it is full a new slab of twice the size is
 * started. `writeRawChunk` appends a Buffer by reference, so record batches in a Fetch
 * response are never copied; `toChunks()` hands the pieces to `socket.writev`/`cork`.
 */
import { ProtocolEncodeError } from './protocol-error.js'

const MAX_STRING_BYTES = 0x7fff

export class Writer {
  readonly #chunks: Buffer[] = []
  #slab: Buffer
  #start = 0
  #pos = 0
  #flushed = 0

  constructor(initialSize = 256) {
    this.#slab = Buffer.allocUnsafe(initialSize)
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.#flushed + this.#pos - this.#start
  }

  #ensure(n: number): void {
    if (this.#pos + n > this.#slab.length) this.#grow(n)
  }

  #commit(): void {
    if (this.#pos > this.#start) {
      this.#chunks.push(this.#slab.subarray(this.#start, this.#pos))
      this.#flushed += this.#pos - this.#start
      this.#start = this.#pos
    }
  }

  #grow(n: number): void {
    this.#commit()
    this.#slab = Buffer.allocUnsafe(Math.max(this.#slab.length * 2, n))
    this.#start = 0
    this.#pos = 0
  }

  writeInt8(v: number): void {
    this.#ensure(1)
    this.#pos = this.#slab.writeInt8(v, this.#pos)
  }

  writeInt16(v: number): void {
    this.#ensure(2)
    this.#pos = this.#slab.writeInt16BE(v, this.#pos)
  }

  writeInt32(v: number): void {
    this.#ensure(4)
    this.#pos = this.#slab.writeInt32BE(v, this.#pos)
  }

  writeInt64(v: bigint): void {
    this.#ensure(8)
    this.#pos = this.#slab.writeBigInt64BE(v, this.#pos)
  }

  writeUint16(v: number): void {
    this.#ensure(2)
    this.#pos = this.#slab.writeUInt16BE(v, this.#pos)
  }

  writeUint32(v: number): void {
    this.#ensure(4)
    this.#pos = this.#slab.writeUInt32BE(v, this.#pos)
  }

  writeFloat64(v: number): void {
    this.#ensure(8)
    this.#pos = this.#slab.writeDoubleBE(v, this.#pos)
  }

  writeBool(v: boolean): void {
    this.#ensure(1)
    this.#slab[this.#pos++] = v ? 1 : 0
  }

  /** Unsigned LEB128 of a uint32. */
  writeUnsignedVarint(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new ProtocolEncodeError(`unsigned varint out of range: ${v}`)
    }
    this.#ensure(5)
    const slab = this.#slab
    let pos = this.#pos
    while (v >= 0x80) {
      slab[pos++] = (v & 0x7f) | 0x80
      v = Math.floor(v / 128)
    }
    slab[pos++] = v
    this.#pos = pos
  }

  /** Zigzag-encoded int32. */
  writeVarint(v: number): void {
    this.writeUnsignedVarint(((v << 1) ^ (v >> 31)) >>> 0)
  }

  /** Zigzag-encoded int64. */
  writeVarlong(v: bigint): void {
    let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n))
    this.#ensure(10)
    const slab = this.#slab
    let pos = this.#pos
    while (z >= 0x80n) {
      slab[pos++] = Number(z & 0x7fn) | 0x80
      z >>= 7n
    }
    slab[pos++] = Number(z)
    this.#pos = pos
  }

  /** A uuid in Kafka's string form (22 base64url characters) as its 16 bytes. */
  writeUuid(v: string): void {
    this.#ensure(16)
    if (v.length !== 22 || this.#slab.write(v, this.#pos, 16, 'base64url') !== 16) {
      throw new ProtocolEncodeError(`invalid uuid: ${JSON.stringify(v)}`)
    }
    this.#pos += 16
  }

  #utf8Length(v: string): number {
    const len = Buffer.byteLength(v, 'utf8')
    if (len > MAX_STRING_BYTES) throw new ProtocolEncodeError(`string of ${len} bytes exceeds ${MAX_STRING_BYTES}`)
    return len
  }

  #utf8(v: string, len: number): void {
    this.#ensure(len)
    this.#pos += this.#slab.write(v, this.#pos, len, 'utf8')
  }

  writeString(v: string): void {
    const len = this.#utf8Length(v)
    this.writeInt16(len)
    this.#utf8(v, len)
  }

  writeNullableString(v: string | null): void {
    if (v === null) this.writeInt16(-1)
    else this.writeString(v)
  }

  writeCompactString(v: string): void {
    const len = this.#utf8Length(v)
    this.writeUnsignedVarint(len + 1)
    this.#utf8(v, len)
  }

  writeCompactNullableString(v: string | null): void {
    if (v === null) this.writeUnsignedVarint(0)
    else this.writeCompactString(v)
  }

  /** Copies `v` into the slab (for small byte fields; use writeRawChunk for large ones). */
  writeRawBytes(v: Buffer): void {
    this.#ensure(v.length)
    this.#pos += v.copy(this.#slab, this.#pos)
  }

  writeBytes(v: Buffer): void {
    this.writeInt32(v.length)
    this.writeRawBytes(v)
  }

  writeNullableBytes(v: Buffer | null): void {
    if (v === null) this.writeInt32(-1)
    else this.writeBytes(v)
  }

  writeCompactBytes(v: Buffer): void {
    this.writeUnsignedVarint(v.length + 1)
    this.writeRawBytes(v)
  }

  writeCompactNullableBytes(v: Buffer | null): void {
    if (v === null) this.writeUnsignedVarint(0)
    else this.writeCompactBytes(v)
  }

  /** A `records` field: int32 length, then the batches by reference. */
  writeNullableRecords(v: Buffer | null): void {
    if (v === null) return this.writeInt32(-1)
    this.writeInt32(v.length)
    this.writeRawChunk(v)
  }

  writeCompactNullableRecords(v: Buffer | null): void {
    if (v === null) return this.writeUnsignedVarint(0)
    this.writeUnsignedVarint(v.length + 1)
    this.writeRawChunk(v)
  }

  /** Array count; -1 writes null. */
  writeArrayLength(n: number): void {
    this.writeInt32(n)
  }

  /** Compact array count (n + 1); -1 writes null. */
  writeCompactArrayLength(n: number): void {
    this.writeUnsignedVarint(n + 1)
  }

  writeArray<T>(items: readonly T[], writeItem: (w: Writer, item: T) => void): void {
    this.writeArrayLength(items.length)
    for (const item of items) writeItem(this, item)
  }

  writeCompactArray<T>(items: readonly T[], writeItem: (w: Writer, item: T) => void): void {
    this.writeCompactArrayLength(items.length)
    for (const item of items) writeItem(this, item)
  }

  /** An empty tagged-field section. */
  writeEmptyTaggedFields(): void {
    this.writeUnsignedVarint(0)
  }

  /** Appends `buf` by reference: it must not be modified until the output has been sent. */
  writeRawChunk(buf: Buffer): void {
    if (buf.length === 0) return
    this.#commit()
    this.#chunks.push(buf)
    this.#flushed += buf.length
  }

  /** Appends another writer's output by reference. */
  writeChunks(chunks: readonly Buffer[]): void {
    for (const c of chunks) this.writeRawChunk(c)
  }

  toChunks(): Buffer[] {
    this.#commit()
    return this.#chunks.slice()
  }

  toBuffer(): Buffer {
    const chunks = this.toChunks()
    if (chunks.length === 1) return chunks[0]!
    return Buffer.concat(chunks, this.#flushed)
  }
}
