import { describe, expect, it } from 'vitest'
import { FrameDecoder, FrameSizeError } from './frame-decoder.js'

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
