import { describe, expect, it } from 'vitest'
import { ResponseQueue } from './response-queue.js'

describe('ResponseQueue', () => {
  it('sends responses in ticket order whatever order they finish in', () => {
    const sent: string[] = []
    const q = new ResponseQueue((chunks) => sent.push(chunks.map((c) => c.toString()).join('')))
    const [a, b, c] = [q.take(), q.take(), q.take()]
    q.complete(c, [Buffer.from('c')])
    q.complete(b, [Buffer.from('b1'), Buffer.from('b2')])
    expect(sent).toEqual([])
    expect(q.pending).toBe(3)
    q.complete(a, [Buffer.from('a')])
    expect(sent).toEqual(['a', 'b1b2', 'c'])
    expect(q.pending).toBe(0)
  })

  it('lets a request without a response release the ones after it', () => {
    const sent: string[] = []
    const q = new ResponseQueue((chunks) => sent.push(chunks.join('')))
    const [a, b] = [q.take(), q.take()]
    q.complete(b, [Buffer.from('b')])
    q.complete(a, null)
    expect(sent).toEqual(['b'])
  })

  it('refuses a ticket completed twice or never taken', () => {
    const q = new ResponseQueue(() => undefined)
    const a = q.take()
    q.complete(a, null)
    expect(() => q.complete(a, null)).toThrow(/not outstanding/)
    expect(() => q.complete(5, null)).toThrow(/not outstanding/)
  })
})
