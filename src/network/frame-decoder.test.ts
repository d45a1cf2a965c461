import { describe, expect, it } from 'vitest'
import { FrameDecoder, FrameSizeError } from './frame-decoder.js'
import { FramePool } from './frame-pool.js'

function frame(body: string): Buffer {
  const b = Buffer.from(body)
  const size = Buffer.alloc(4)
  size.writeInt32BE(b.length)
  return Buffer.concat([size, b])
}

describe('FrameDecoder', () => {
  it('returns several frames from one chunk', () => {
    const d = new FrameDecoder(100)
    const frames = d.push(Buffer.concat([frame('one'), frame(''), frame('three')]))
    expect(frames.map((f) => f.toString())).toEqual(['one', '', 'three'])
  })

  it('reassembles a frame split at every byte', () => {
    const d = new FrameDecoder(100)
    const bytes = Buffer.concat([frame('hello world'), frame('x')])
    const out: string[] = []
    for (const byte of bytes) out.push(...d.push(Buffer.from([byte])).map((f) => f.toString()))
    expect(out).toEqual(['hello world', 'x'])
  })

  it('keeps a partial frame until the rest arrives', () => {
    const d = new FrameDecoder(100)
    const bytes = frame('abcdef')
    expect(d.push(bytes.subarray(0, 6))).toEqual([])
    expect(d.push(bytes.subarray(6)).map((f) => f.toString())).toEqual(['abcdef'])
  })

  it('rejects a frame larger than the limit as soon as its size is known', () => {
    const d = new FrameDecoder(10)
    expect(() => d.push(frame('this is too long').subarray(0, 4))).toThrow(FrameSizeError)
  })

  it('accepts a frame of exactly the limit', () => {
    expect(new FrameDecoder(5).push(frame('12345')).length).toBe(1)
  })

  it('rejects a negative size', () => {
    expect(() => new FrameDecoder(10).push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow('invalid frame size -1')
  })
})

describe('FrameDecoder with a FramePool', () => {
  /** A frame whose body starts with `apiKey` as Kafka's request header does. */
  function request(apiKey: number, bodyBytes: number): Buffer {
    const body = Buffer.alloc(bodyBytes, apiKey + 1)
    body.writeInt16BE(apiKey, 0)
    const size = Buffer.alloc(4)
    size.writeInt32BE(body.length)
    return Buffer.concat([size, body])
  }

  it('joins a Produce frame split over chunks into a pooled buffer, reused once given back', () => {
    const pool = new FramePool()
    const d = new FrameDecoder(1 << 20, pool)
    const bytes = request(0, 3000)
    const [first] = [...d.push(bytes.subarray(0, 1000)), ...d.push(bytes.subarray(1000))]
    expect(first!.equals(bytes.subarray(4))).toBe(true)
    pool.give(first!)
    const next = request(0, 2000)
    const [second] = [...d.push(next.subarray(0, 10)), ...d.push(next.subarray(10))]
    expect(second!.buffer).toBe(first!.buffer)
    expect(second!.equals(next.subarray(4))).toBe(true)
  })

  it('leaves other frames, and frames inside one chunk, out of the pool', () => {
    const pool = new FramePool()
    const d = new FrameDecoder(1 << 20, pool)
    const fetch = request(1, 3000)
    const [split] = [...d.push(fetch.subarray(0, 1000)), ...d.push(fetch.subarray(1000))]
    pool.give(split!)
    const whole = request(0, 100)
    const [inOne] = d.push(whole)
    expect(inOne!.buffer).toBe(whole.buffer)
    expect(pool.take(3000, 0).buffer).not.toBe(split!.buffer)
  })
})
