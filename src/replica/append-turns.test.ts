import { describe, expect, it } from 'vitest'
import { takeAppendTurn } from './append-turns.js'

describe('takeAppendTurn', () => {
  it('lets the first turn go at once and each later one when the one before is released', async () => {
    const conn = {}
    const order: string[] = []
    const a = takeAppendTurn(conn)
    const b = takeAppendTurn(conn)
    const c = takeAppendTurn(conn)
    expect(a.ready).toBeNull()
    const waiting = [b.ready!.then(() => order.push('b')), c.ready!.then(() => order.push('c'))]
    await Promise.resolve()
    expect(order).toEqual([])
    a.release()
    await waiting[0]
    expect(order).toEqual(['b'])
    b.release()
    b.release()
    await waiting[1]
    expect(order).toEqual(['b', 'c'])
    c.release()
    expect(takeAppendTurn(conn).ready).toBeNull()
  })

  it('keeps connections apart', () => {
    takeAppendTurn({})
    expect(takeAppendTurn({}).ready).toBeNull()
  })
})
