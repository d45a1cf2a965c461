/**
 * Kafka's SkimpyOffsetMap: key → latest offset in a fixed block of memory, so the cleaner's
 * footprint is log.cleaner.dedupe.buffer.size whatever the keys. Each slot is 24 bytes:
 *
 *   16 bytes  128-bit hash of the key (MurmurHash3 x86_128; all zero = empty slot)
 *    8 bytes  the offset (float64: exact for every offset below 2^53)
 *
 * Open addressing with linear probing. As in Kafka, a key is known only by its hash: two keys
 * with one 128-bit hash would collide, which is as unlikely as Kafka's MD5 collision.
 */

const HASH_BYTES = 16
/** About a millisecond of zeroing. */
const CLEAR_SLICE_BYTES = 4 * 1024 * 1024
const SLOT_BYTES = HASH_BYTES + 8

export class OffsetMap {
  readonly slots: number
  readonly #table: Buffer
  readonly #words: Int32Array
  #size = 0
  #latestOffset = -1
  readonly #h = new Int32Array(4)

  /** A map in `memoryBytes` of memory (Kafka: dedupe buffer size / cleaner threads); clear it before use. */
  constructor(memoryBytes: number) {
    this.slots = Math.max(1, Math.floor(memoryBytes / SLOT_BYTES))
    // Zeroed by clear(), in slices, so a large map never holds the event loop for long.
    this.#table = Buffer.allocUnsafeSlow(this.slots * SLOT_BYTES)
    this.#words = new Int32Array(this.#table.buffer, this.#table.byteOffset, this.#table.length / 4)
    this.#size = this.slots
  }

  /** The memory a map of `slots` slots takes. */
  static bytesFor(slots: number): number {
    return slots * SLOT_BYTES
  }

  get memoryBytes(): number {
    return this.#table.length
  }

  get size(): number {
    return this.#size
  }
  /** The last offset the map has seen a batch reach (Kafka's latestOffset); -1 when empty. */
  get latestOffset(): number {
    return this.#latestOffset
  }
  updateLatestOffset(offset: number): void {
    this.#latestOffset = offset
  }

  /** Empties the map, zeroing it a slice at a time with `pace` (which may yield) between slices. */
  async clear(pace: () => Promise<void> | void = () => {}): Promise<void> {
    if (this.#size > 0) {
      for (let at = 0; at < this.#table.length; at += CLEAR_SLICE_BYTES) {
        this.#table.fill(0, at, Math.min(this.#table.length, at + CLEAR_SLICE_BYTES))
        await pace()
      }
    }
    this.#size = 0
    this.#latestOffset = -1
  }

  /** The slot holding `key`'s hash, or the empty slot where it would go. */
  #find(key: Buffer, start: number, end: number): number {
    const h = this.#h
    murmur128(key, start, end, h)
    if ((h[0]! | h[1]! | h[2]! | h[3]!) === 0) h[0] = 1
    let slot = ((h[0]! >>> 0) * 31 + (h[1]! >>> 0)) % this.slots
    const w = this.#words
    for (;;) {
      const i = slot * (SLOT_BYTES / 4)
      const a = w[i]!, b = w[i + 1]!, c = w[i + 2]!, d = w[i + 3]!
      if ((a | b | c | d) === 0 || (a === h[0] && b === h[1] && c === h[2] && d === h[3])) return slot
      slot = slot + 1 === this.slots ? 0 : slot + 1
    }
  }

  /** Records `offset` as the latest for key bytes key[start..end). The caller keeps size below slots. */
  put(key: Buffer, start: number, end: number, offset: number): void {
    if (this.#size >= this.slots) throw new RangeError('offset map is full')
    const slot = this.#find(key, start, end)
    const i = slot * (SLOT_BYTES / 4)
    const w = this.#words
    if ((w[i]! | w[i + 1]! | w[i + 2]! | w[i + 3]!) === 0) {
      w.set(this.#h, i)
      this.#size++
    }
    this.#table.writeDoubleLE(offset, slot * SLOT_BYTES + HASH_BYTES)
    this.#latestOffset = offset
  }

  /** The latest offset of the key, or -1. */
  get(key: Buffer, start: number, end: number): number {
    const slot = this.#find(key, start, end)
    const i = slot * (SLOT_BYTES / 4)
    const w = this.#words
    if ((w[i]! | w[i + 1]! | w[i + 2]! | w[i + 3]!) === 0) return -1
    return this.#table.readDoubleLE(slot * SLOT_BYTES + HASH_BYTES)
  }
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r))
}

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

const C1 = 0x239b961b
const C2 = 0xab0e9789
const C3 = 0x38b34ae5
const C4 = 0xa1e38b93

/** MurmurHash3 x86_128 (seed 0) of buf[start..end) into out[0..4). */
export function murmur128(buf: Buffer, start: number, end: number, out: Int32Array): void {
  let h1 = 0, h2 = 0, h3 = 0, h4 = 0
  const len = end - start
  const blocksEnd = start + (len & ~15)
  for (let i = start; i < blocksEnd; i += 16) {
    let k1 = buf.readInt32LE(i), k2 = buf.readInt32LE(i + 4), k3 = buf.readInt32LE(i + 8), k4 = buf.readInt32LE(i + 12)
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2); h1 ^= k1
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3); h2 ^= k2
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4); h3 ^= k3
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1); h4 ^= k4
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0
  }
  const rem = len & 15
  if (rem > 0) {
    const k = [0, 0, 0, 0]
    for (let i = rem - 1; i >= 0; i--) k[i >> 2] ^= buf[blocksEnd + i]! << ((i & 3) * 8)
    if (rem > 12) h4 ^= Math.imul(rotl(Math.imul(k[3]!, C4), 18), C1)
    if (rem > 8) h3 ^= Math.imul(rotl(Math.imul(k[2]!, C3), 17), C4)
    if (rem > 4) h2 ^= Math.imul(rotl(Math.imul(k[1]!, C2), 16), C3)
    h1 ^= Math.imul(rotl(Math.imul(k[0]!, C1), 15), C2)
  }
  h1 ^= len; h2 ^= len; h3 ^= len; h4 ^= len
  h1 = (h1 + h2 + h3 + h4) | 0
  h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0
  h1 = fmix(h1); h2 = fmix(h2); h3 = fmix(h3); h4 = fmix(h4)
  h1 = (h1 + h2 + h3 + h4) | 0
  h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0
  out[0] = h1; out[1] = h2; out[2] = h3; out[3] = h4
}
