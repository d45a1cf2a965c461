/**
 * Zigzag varints as records use them (protobuf style: 7 bits a byte, low groups first).
 * varint covers int32, varlong int64; varlongs are numbers here, exact within ±2^53.
 * Local to records/ so the record codec does not depend on the request Reader/Writer.
 */

/** A read position that the read functions advance. */
export interface Cursor {
  pos: number
}

/** Thrown when a varint runs past its buffer or its maximum length. */
export class VarintError extends Error {}

export function readVarint(buf: Uint8Array, cur: Cursor): number {
  let raw = 0
  let shift = 0
  let pos = cur.pos
  for (;;) {
    if (pos >= buf.length) throw new VarintError('varint runs past the end of its buffer')
    const b = buf[pos++]!
    raw |= (b & 0x7f) << shift
    if ((b & 0x80) === 0) break
    shift += 7
    if (shift > 28) throw new VarintError('varint longer than 5 bytes')
  }
  cur.pos = pos
  return (raw >>> 1) ^ -(raw & 1)
}

export function readVarlong(buf: Uint8Array, cur: Cursor): number {
  let raw = 0
  let scale = 1
  let pos = cur.pos
  for (let n = 0; ; n++) {
    if (pos >= buf.length) throw new VarintError('varlong runs past the end of its buffer')
    if (n === 10) throw new VarintError('varlong longer than 10 bytes')
    const b = buf[pos++]!
    raw += (b & 0x7f) * scale
    if ((b & 0x80) === 0) break
    scale *= 128
  }
  cur.pos = pos
  return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2
}

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1
}

/** Bytes that `writeVarlong(value)` takes; also right for int32 varints. */
export function varlongSize(value: number): number {
  let raw = zigzag(value)
  let size = 1
  while (raw >= 128) {
    raw = Math.floor(raw / 128)
    size++
  }
  return size
}

/** Writes a zigzag varint or varlong at pos; returns the position after it. */
export function writeVarlong(buf: Uint8Array, pos: number, value: number): number {
  let raw = zigzag(value)
  while (raw >= 128) {
    buf[pos++] = (raw % 128) | 0x80
    raw = Math.floor(raw / 128)
  }
  buf[pos++] = raw
  return pos
}
