/**
 * The classic group state machine. The values are Kafka's state names, as DescribeGroups and
 * ListGroups report them.
 *
 * - Empty: no members; the group lingers while it has offsets (also how a group that only
 *   commits offsets lives). A JoinGroup starts the first rebalance; SyncGroup and Heartbeat get
 *   UNKNOWN_MEMBER_ID.
 * - PreparingRebalance: JoinGroups are parked until every known member rejoined or the
 *   rebalance timeout passed; heartbeats get REBALANCE_IN_PROGRESS; offset commits of the old
 *   generation are still accepted.
 * - CompletingRebalance: join responses were sent; SyncGroups are parked until the leader's
 *   assignment is written; offset commits get REBALANCE_IN_PROGRESS.
 * - Stable: assignment handed out; members heartbeat; the leader's or a changed member's
 *   JoinGroup starts the next rebalance.
 * - Dead: the group was deleted or its partition unloaded; nothing more happens to it.
 */

export const GroupState = {
  Empty: 'Empty',
  PreparingRebalance: 'PreparingRebalance',
  CompletingRebalance: 'CompletingRebalance',
  Stable: 'Stable',
  Dead: 'Dead',
} as const

export type GroupState = (typeof GroupState)[keyof typeof GroupState]

const { Empty, PreparingRebalance, CompletingRebalance, Stable, Dead } = GroupState

export const legalPreviousStates: Record<GroupState, readonly GroupState[]> = {
  [PreparingRebalance]: [Empty, Stable, CompletingRebalance],
  [CompletingRebalance]: [PreparingRebalance],
  [Stable]: [CompletingRebalance],
  [Empty]: [PreparingRebalance],
  [Dead]: [Stable, PreparingRebalance, CompletingRebalance, Empty, Dead],
}

export function isLegalTransition(from: GroupState, to: GroupState): boolean {
  return legalPreviousStates[to].includes(from)
}

/** ListGroups' states filter matches case-insensitively, as Kafka does. */
export function stateMatches(state: GroupState, filter: readonly string[]): boolean {
  const wanted = state.toLowerCase()
  return filter.some((s) => s.toLowerCase() === wanted)
}
