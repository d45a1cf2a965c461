import { describe, expect, it } from 'vitest'
import { SendBufferPool } from './send-buffer-pool.js'

const KiB = 1024
const MiB = 1024 * KiB

describe('SendBufferPool', () => {
  it('lends a buffer of the next power of two that serves the next read of its class once given back', () => {
    const pool = new SendBufferPool()
    const first = pool.take(MiB - 100)
    expect(first.length).toBe(MiB - 100)
    expect(first.buffer.byteLength).toBe(MiB)
    // Still lent: the next read gets another buffer.
    const second = pool.take(MiB)
    expect(second.buffer).not.toBe(first.buffer)
    pool.give(first.subarray(10, 20))
    expect(pool.freeBytes).toBe(MiB)
    const third = pool.take(600 * KiB)
    expect(third.buffer).toBe(first.buffer)
    expect(third.length).toBe(600 * KiB)
    expect(pool.freeBytes).toBe(0)
  })

  it('keeps sizes apart: a buffer serves only reads of its own class', () => {
    const pool = new SendBufferPool()
    const small = pool.take(16 * KiB)
    pool.give(small)
    expect(pool.take(16 * KiB + 1).buffer).not.toBe(small.buffer)
    expect(pool.take(8 * KiB + 1).buffer).toBe(small.buffer)
  })

  it('allocates sizes below 4 KiB and above 8 MiB as before, and never takes them back', () => {
    const pool = new SendBufferPool()
    const tiny = pool.take(100)
    const huge = pool.take(8 * MiB + 1)
    expect(huge.length).toBe(8 * MiB + 1)
    pool.give(tiny)
    pool.give(huge)
    expect(pool.freeBytes).toBe(0)
    expect(pool.take(4 * KiB).buffer.byteLength).toBe(4 * KiB)
  })

  it('takes back only what it lent, once', () => {
    const pool = new SendBufferPool()
    const lent = pool.take(64 * KiB)
    pool.give(Buffer.alloc(64 * KiB))
    pool.give(lent)
    pool.give(lent)
    expect(pool.freeBytes).toBe(64 * KiB)
    const a = pool.take(64 * KiB)
    const b = pool.take(64 * KiB)
    expect(a.buffer).toBe(lent.buffer)
    expect(b.buffer).not.toBe(lent.buffer)
  })

  it('keeps at most maxFreeBytes for reuse', () => {
    const pool = new SendBufferPool(2 * MiB)
    const lent = [pool.take(MiB), pool.take(MiB), pool.take(MiB)]
    for (const b of lent) pool.give(b)
    expect(pool.freeBytes).toBe(2 * MiB)
  })
})
