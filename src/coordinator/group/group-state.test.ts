import { describe, expect, it } from 'vitest'
import { GroupState, isLegalTransition, stateMatches } from './group-state.js'

const { Empty, PreparingRebalance, CompletingRebalance, Stable, Dead } = GroupState
const ALL = [Empty, PreparingRebalance, CompletingRebalance, Stable, Dead]

// Kafka's ClassicGroupState: target → legal previous states.
const LEGAL: Record<GroupState, GroupState[]> = {
  [PreparingRebalance]: [Empty, Stable, CompletingRebalance],
  [CompletingRebalance]: [PreparingRebalance],
  [Stable]: [CompletingRebalance],
  [Empty]: [PreparingRebalance],
  [Dead]: ALL,
}

describe('group state transitions', () => {
  for (const to of ALL) {
    for (const from of ALL) {
      const legal = LEGAL[to].includes(from)
      it(`${from} → ${to} is ${legal ? 'legal' : 'illegal'}`, () => {
        expect(isLegalTransition(from, to)).toBe(legal)
      })
    }
  }

  it('uses Kafka state names, matched case-insensitively by ListGroups filters', () => {
    expect(ALL).toEqual(['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'])
    expect(stateMatches(Stable, ['stable'])).toBe(true)
    expect(stateMatches(CompletingRebalance, ['COMPLETINGREBALANCE', 'empty'])).toBe(true)
    expect(stateMatches(Empty, ['Stable'])).toBe(false)
  })
})
