import { describe, expect, it } from 'vitest'
import { FramePool } from './frame-pool.js'

const PRODUCE = 0
const FETCH = 1

describe('FramePool', () => {
  it('lends a Produce frame a buffer that serves the next frame once given back', () => {
    const pool = new FramePool()
    const first = pool.take(1000, PRODUCE)
    expect(first.length).toBe(1000)
    // Still lent: the next frame gets another buffer.
    const second = pool.take(1000, PRODUCE)
    expect(second.buffer).not.toBe(first.buffer)
    pool.give(first)
    const third = pool.take(800, PRODUCE)
    expect(third.buffer).toBe(first.buffer)
    expect(third.length).toBe(800)
  })

  it('never lends to other requests, whose decoded fields may keep slices of their frame', () => {
    const pool = new FramePool()
    const fetch = pool.take(1000, FETCH)
    const unknown = pool.take(1000, -1)
    pool.give(fetch)
    pool.give(unknown)
    const produce = pool.take(1000, PRODUCE)
    expect(produce.buffer).not.toBe(fetch.buffer)
    expect(produce.buffer).not.toBe(unknown.buffer)
  })

  it('takes back only what it lent, once', () => {
    const pool = new FramePool()
    const lent = pool.take(1000, PRODUCE)
    pool.give(Buffer.alloc(1000))
    pool.give(lent)
    pool.give(lent)
    const a = pool.take(1000, PRODUCE)
    const b = pool.take(1000, PRODUCE)
    expect(a.buffer).toBe(lent.buffer)
    expect(b.buffer).not.toBe(lent.buffer)
  })

  it('replaces a free buffer too small for the frame, and keeps at most 512 KiB free', () => {
    const pool = new FramePool()
    const small = pool.take(100, PRODUCE)
    pool.give(small)
    expect(pool.take(200, PRODUCE).buffer).not.toBe(small.buffer)
    const big = Array.from({ length: 9 }, () => pool.take(64 * 1024, PRODUCE))
    for (const b of big) pool.give(b)
    const again = Array.from({ length: 9 }, () => pool.take(64 * 1024, PRODUCE).buffer)
    // Eight 64 KiB buffers fit in 512 KiB; the ninth was let go.
    expect(again.filter((b) => big.some((x) => x.buffer === b))).toHaveLength(8)
    expect(pool.take(600 * 1024, PRODUCE).length).toBe(600 * 1024)
  })
})
