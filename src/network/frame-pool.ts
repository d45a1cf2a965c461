/**
 * Reusable buffers for Produce frames that arrive split over socket reads (all but the
 * smallest: a read brings at most 64 KiB). The decoder joins such a frame into a new buffer,
 * and every new buffer counts as external memory to V8, which runs a full mark-compact per
 * 64 MiB of it: at 300 MB/s of 64 KiB batches, that was ~80 collections of ~10 ms per GiB.
 * A Produce request keeps no part of its frame once its handler has settled (the appends are
 * written by then, and the answer holds none of it), so its buffer can take the next frame.
 * Other requests keep slices of theirs (group assignments, metadata bytes) and never use the pool.
 */
const PRODUCE = 0
/** Free bytes kept per connection: eight 64 KiB requests in flight. Larger frames get buffers of their own. */
const MAX_FREE_BYTES = 512 * 1024

export class FramePool {
  readonly #free: Buffer[] = []
  #freeBytes = 0
  /** Buffers lent out, by their memory: `give` takes back only these. */
  readonly #lent = new Map<ArrayBufferLike, Buffer>()

  /** A buffer for a frame of `size` bytes whose api key is `apiKey` (-1 when not yet known). */
  take(size: number, apiKey: number): Buffer {
    if (apiKey !== PRODUCE || size > MAX_FREE_BYTES) return Buffer.allocUnsafe(size)
    const free = this.#free.pop()
    if (free !== undefined) this.#freeBytes -= free.length
    const buf = free !== undefined && free.length >= size ? free : Buffer.allocUnsafeSlow(size)
    this.#lent.set(buf.buffer, buf)
    return buf.subarray(0, size)
  }

  /** The request for `frame` has settled and keeps nothing of it: its buffer may be reused. */
  give(frame: Buffer): void {
    const whole = this.#lent.get(frame.buffer)
    if (whole === undefined) return
    this.#lent.delete(frame.buffer)
    if (this.#freeBytes + whole.length > MAX_FREE_BYTES) return
    this.#free.push(whole)
    this.#freeBytes += whole.length
  }
}
