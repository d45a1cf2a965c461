/**
 * Reusable buffers for bytes read only to be sent: Fetch reads record batches from the log into
 * them, and the connection gives them back once the socket has written them.
 *
 * Why: every buffer of 4 KiB or more is a new ArrayBuffer, which V8 counts as external memory.
 * A consumer catching up reads 1 MiB per partition per Fetch; the buffers live until their answer
 * is written, long enough to outlive a scavenge, and V8 then frees them only with a full
 * mark-compact, which it starts every few dozen MiB of such memory. Measured on 1 GiB consumed
 * through one partition (bench/consume.ts): 82 mark-compacts and 2.5 s of CPU with a new buffer
 * per read; none and 0.8 s with the pool.
 *
 * Buffers come in power-of-two sizes from 4 KiB (below that, Node carves from its shared slab) to
 * 8 MiB; other sizes are allocated as before. A buffer never given back (a read whose answer was
 * dropped, a connection closed mid-write) is simply collected: the pool keeps no strong
 * reference to what it lent.
 */
import type { ReadBuffers } from '../storage/partition-log-types.js'

const MIN_SHIFT = 12
const MAX_SHIFT = 23
/** Free bytes kept, across sizes: a few consumers' worth of 1 MiB reads in flight. */
const DEFAULT_MAX_FREE_BYTES = 32 * 1024 * 1024

export class SendBufferPool implements ReadBuffers {
  /** Free buffers by size class: index i holds buffers of 2^(MIN_SHIFT + i) bytes. */
  readonly #free: Buffer[][] = Array.from({ length: MAX_SHIFT - MIN_SHIFT + 1 }, () => [])
  #freeBytes = 0
  /** Buffers lent out, by their memory: `give` takes back only these, once. */
  readonly #lent = new WeakMap<ArrayBufferLike, Buffer>()
  readonly #maxFreeBytes: number

  constructor(maxFreeBytes = DEFAULT_MAX_FREE_BYTES) {
    this.#maxFreeBytes = maxFreeBytes
  }

  /** Bytes held for reuse. */
  get freeBytes(): number {
    return this.#freeBytes
  }

  /** `size` bytes of uninitialized memory, from a pooled buffer when the size has a class. */
  take(size: number): Buffer {
    if (size < 1 << MIN_SHIFT || size > 1 << MAX_SHIFT) return Buffer.allocUnsafe(size)
    const shift = 32 - Math.clz32(size - 1)
    let whole = this.#free[shift - MIN_SHIFT]!.pop()
    if (whole === undefined) whole = Buffer.allocUnsafeSlow(1 << shift)
    else this.#freeBytes -= whole.length
    this.#lent.set(whole.buffer, whole)
    return whole.subarray(0, size)
  }

  /** `chunk` has been sent (or dropped) and nothing reads it any more: its buffer, if lent here, may be reused. */
  give(chunk: Buffer): void {
    const whole = this.#lent.get(chunk.buffer)
    if (whole === undefined) return
    this.#lent.delete(chunk.buffer)
    if (this.#freeBytes + whole.length > this.#maxFreeBytes) return
    this.#free[31 - Math.clz32(whole.length) - MIN_SHIFT]!.push(whole)
    this.#freeBytes += whole.length
  }
}
