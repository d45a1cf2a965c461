/** Error-only answers, shaped as Kafka's coordinator builds them. */
import type { JoinGroupResponse } from '../../protocol/generated/join-group.js'
import type { SyncGroupResponse } from '../../protocol/generated/sync-group.js'
import { EMPTY_BUFFER } from '../../protocol/primitives/reader.js'

/** The member id a client sends before it has one. */
export const UNKNOWN_MEMBER_ID = ''

/** A JoinGroup answer carrying only an error, as Kafka's: no generation, no protocol, no leader. */
export function joinError(memberId: string, errorCode: number): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  }
}

export function syncError(errorCode: number): SyncGroupResponse {
  return { throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BUFFER }
}
