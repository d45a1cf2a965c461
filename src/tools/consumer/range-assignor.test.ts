import { describe, expect, it } from 'vitest'
import { assignRange } from './range-assignor.js'

describe('assignRange', () => {
  it('gives each member a contiguous range, the first ones one extra', () => {
    const members = [
      { memberId: 'b', topics: ['t'] },
      { memberId: 'a', topics: ['t', 'u'] },
    ]
    const result = assignRange(members, new Map([['t', 3], ['u', 2]]))
    expect(result.get('a')).toEqual([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
      { topic: 'u', partition: 0 },
      { topic: 'u', partition: 1 },
    ])
    expect(result.get('b')).toEqual([{ topic: 't', partition: 2 }])
  })

  it('leaves members without partitions when there are more members than partitions', () => {
    const members = ['m1', 'm2', 'm3'].map((memberId) => ({ memberId, topics: ['t'] }))
    const result = assignRange(members, new Map([['t', 2]]))
    expect([...result.values()].map((a) => a.length)).toEqual([1, 1, 0])
  })
})
