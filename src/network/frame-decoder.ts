/**
 * Kafka frames: int32 size, then `size` bytes (request header and body). Chunks are kept as they
 * arrive and joined only once a whole frame is there; a frame inside one chunk is a zero-copy view.
 */
import type { FramePool } from './frame-pool.js'

export class FrameSizeError extends Error {
  override name = 'FrameSizeError'
  readonly size: number

  constructor(size: number, max: number) {
    super(size < 0 ? `invalid frame size ${size}` : `frame of ${size} bytes exceeds socket.request.max.bytes (${max})`)
    this.size = size
  }
}

const SIZE_BYTES = 4

export class FrameDecoder {
  readonly #maxSize: number
  /** Where frames split over chunks are joined; null: a new buffer each. */
  readonly #pool: FramePool | null
  #chunks: Buffer[] = []
  #buffered = 0
  /** Size of the frame being read, or -1 while its size prefix is incomplete. */
  #frameSize = -1

  constructor(maxSize: number, pool: FramePool | null = null) {
    this.#maxSize = maxSize
    this.#pool = pool
  }

  /** Adds received bytes; returns the frames now complete. Throws FrameSizeError on a bad size. */
  push(chunk: Buffer): Buffer[] {
    this.#chunks.push(chunk)
    this.#buffered += chunk.length
    const frames: Buffer[] = []
    for (;;) {
      if (this.#frameSize < 0) {
        if (this.#buffered < SIZE_BYTES) break
        const size = this.#take(SIZE_BYTES).readInt32BE(0)
        if (size < 0 || size > this.#maxSize) throw new FrameSizeError(size, this.#maxSize)
        this.#frameSize = size
      }
      if (this.#buffered < this.#frameSize) break
      frames.push(this.#take(this.#frameSize))
      this.#frameSize = -1
    }
    return frames
  }

  #take(n: number): Buffer {
    this.#buffered -= n
    const first = this.#chunks[0] as Buffer
    if (first.length >= n) {
      if (first.length === n) this.#chunks.shift()
      else this.#chunks[0] = first.subarray(n)
      return first.subarray(0, n)
    }
    const out = this.#pool !== null && n > SIZE_BYTES ? this.#pool.take(n, apiKeyOf(first)) : Buffer.allocUnsafe(n)
    let filled = 0
    while (filled < n) {
      const chunk = this.#chunks[0] as Buffer
      const used = Math.min(chunk.length, n - filled)
      chunk.copy(out, filled, 0, used)
      filled += used
      if (used === chunk.length) this.#chunks.shift()
      else this.#chunks[0] = chunk.subarray(used)
    }
    return out
  }
}

/** A frame's api key is its first two bytes; -1 when they are not all in `start` (the frame's first chunk). */
function apiKeyOf(start: Buffer): number {
  return start.length >= 2 ? start.readInt16BE(0) : -1
}
