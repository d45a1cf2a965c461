/**
 * Membership of a classic consumer group (protocol type "consumer", assignor "range"):
 * JoinGroup (with the member-id round trip of v4+), SyncGroup (the leader computes the range
 * assignment), a background Heartbeat, offset commits with the generation, and LeaveGroup.
 * A heartbeat answered REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION marks
 * the member for rejoining; the owner rejoins between polls.
 */
import { Heartbeat } from '../../protocol/generated/heartbeat.js'
import { JoinGroup } from '../../protocol/generated/join-group.js'
import { LeaveGroup } from '../../protocol/generated/leave-group.js'
import { SyncGroup } from '../../protocol/generated/sync-group.js'
import { decodeConsumerProtocolAssignment, encodeConsumerProtocolAssignment } from '../../protocol/generated/data/consumer-protocol-assignment.js'
import { decodeConsumerProtocolSubscription, encodeConsumerProtocolSubscription } from '../../protocol/generated/data/consumer-protocol-subscription.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { Reader } from '../../protocol/primitives/reader.js'
import { Writer } from '../../protocol/primitives/writer.js'
import { commitOffsets } from '../client/group-offsets.js'
import type { OffsetToCommit, TopicPartition } from '../client/group-offsets.js'
import type { ToolClient } from '../client/tool-client.js'
import { KafkaResponseError } from '../client/tool-error.js'
import { assignRange } from './range-assignor.js'

const PROTOCOL_TYPE = 'consumer'
const ASSIGNOR = 'range'
/** The ConsumerProtocol version this member writes. */
const CONSUMER_PROTOCOL_VERSION = 3

export interface GroupMemberConfig {
  readonly groupId: string
  readonly topics: readonly string[]
  readonly sessionTimeoutMs: number
  readonly rebalanceTimeoutMs: number
  readonly heartbeatIntervalMs: number
}

const REJOIN_CODES: ReadonlySet<number> = new Set([ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.ILLEGAL_GENERATION])

export class GroupMember {
  readonly #client: ToolClient
  readonly #config: GroupMemberConfig
  #coordinator = -1
  #memberId = ''
  #generationId = -1
  #heartbeat: NodeJS.Timeout | undefined
  #needsRejoin = true

  constructor(client: ToolClient, config: GroupMemberConfig) {
    this.#client = client
    this.#config = config
  }

  get coordinator(): number {
    return this.#coordinator
  }

  get needsRejoin(): boolean {
    return this.#needsRejoin
  }

  /** Joins (or rejoins) the group and returns this member's assignment. */
  async join(): Promise<TopicPartition[]> {
    this.#stopHeartbeat()
    if (this.#coordinator < 0) this.#coordinator = await this.#client.findCoordinator(this.#config.groupId)
    for (;;) {
      const joined = await this.#client.send(
        JoinGroup,
        {
          groupId: this.#config.groupId,
          sessionTimeoutMs: this.#config.sessionTimeoutMs,
          rebalanceTimeoutMs: this.#config.rebalanceTimeoutMs,
          memberId: this.#memberId,
          groupInstanceId: null,
          protocolType: PROTOCOL_TYPE,
          protocols: [{ name: ASSIGNOR, metadata: encodeSubscription(this.#config.topics) }],
          reason: null,
        },
        { nodeId: this.#coordinator },
      )
      if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED || joined.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.#memberId = joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED ? joined.memberId : ''
        continue
      }
      if (joined.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) continue
      if (joined.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(joined.errorCode)
      this.#memberId = joined.memberId
      this.#generationId = joined.generationId
      const assignments = joined.leader === joined.memberId ? await this.#assign(joined.members) : []
      const synced = await this.#client.send(
        SyncGroup,
        {
          groupId: this.#config.groupId,
          generationId: this.#generationId,
          memberId: this.#memberId,
          groupInstanceId: null,
          protocolType: PROTOCOL_TYPE,
          protocolName: ASSIGNOR,
          assignments,
        },
        { nodeId: this.#coordinator },
      )
      if (REJOIN_CODES.has(synced.errorCode)) continue
      if (synced.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(synced.errorCode)
      this.#needsRejoin = false
      this.#startHeartbeat()
      return decodeAssignment(synced.assignment)
    }
  }

  /** Commits with this member's generation; a rebalance in progress marks the member to rejoin. */
  async commit(offsets: readonly OffsetToCommit[]): Promise<void> {
    try {
      await commitOffsets(this.#client, this.#coordinator, this.#config.groupId, offsets, { generationId: this.#generationId, memberId: this.#memberId })
    } catch (err) {
      if (err instanceof KafkaResponseError && REJOIN_CODES.has(err.code)) this.#needsRejoin = true
      else throw err
    }
  }

  async leave(): Promise<void> {
    this.#stopHeartbeat()
    if (this.#memberId === '' || this.#coordinator < 0) return
    await this.#client.send(
      LeaveGroup,
      {
        groupId: this.#config.groupId,
        memberId: this.#memberId,
        members: [{ memberId: this.#memberId, groupInstanceId: null, reason: 'the consumer is being closed' }],
      },
      { nodeId: this.#coordinator },
    )
    this.#memberId = ''
  }

  async #assign(members: readonly { memberId: string; metadata: Buffer }[]): Promise<{ memberId: string; assignment: Buffer }[]> {
    const subscribers = members.map((m) => ({ memberId: m.memberId, topics: decodeSubscription(m.metadata) }))
    const topics = [...new Set(subscribers.flatMap((s) => s.topics))]
    const md = await this.#client.metadata(topics)
    const counts = new Map(md.topics.filter((t) => t.errorCode === ErrorCode.NONE).map((t) => [t.name as string, t.partitions.length]))
    const plan = assignRange(subscribers, counts)
    return [...plan].map(([memberId, partitions]) => ({ memberId, assignment: encodeAssignment(partitions) }))
  }

  #startHeartbeat(): void {
    this.#heartbeat = setInterval(() => {
      this.#client
        .send(Heartbeat, { groupId: this.#config.groupId, generationId: this.#generationId, memberId: this.#memberId, groupInstanceId: null }, { nodeId: this.#coordinator })
        .then((r) => {
          if (REJOIN_CODES.has(r.errorCode)) this.#needsRejoin = true
        })
        .catch(() => {
          this.#needsRejoin = true
        })
    }, this.#config.heartbeatIntervalMs)
    this.#heartbeat.unref()
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat)
    this.#heartbeat = undefined
  }
}

function encodeSubscription(topics: readonly string[]): Buffer {
  const w = new Writer()
  w.writeInt16(CONSUMER_PROTOCOL_VERSION)
  encodeConsumerProtocolSubscription(w, CONSUMER_PROTOCOL_VERSION, { topics: [...topics], userData: null, ownedPartitions: [], generationId: -1, rackId: null })
  return w.toBuffer()
}

export function decodeSubscription(metadata: Buffer): string[] {
  const r = new Reader(metadata)
  const version = Math.min(r.readInt16(), CONSUMER_PROTOCOL_VERSION)
  return decodeConsumerProtocolSubscription(r, version).topics
}

function encodeAssignment(partitions: readonly TopicPartition[]): Buffer {
  const byTopic = new Map<string, number[]>()
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition])
  const w = new Writer()
  w.writeInt16(CONSUMER_PROTOCOL_VERSION)
  encodeConsumerProtocolAssignment(w, CONSUMER_PROTOCOL_VERSION, {
    assignedPartitions: [...byTopic].map(([topic, list]) => ({ topic, partitions: list })),
    userData: null,
  })
  return w.toBuffer()
}

/** A member's assignment bytes (empty: nothing assigned). */
export function decodeAssignment(bytes: Buffer): TopicPartition[] {
  if (bytes.length === 0) return []
  const r = new Reader(bytes)
  const version = Math.min(r.readInt16(), CONSUMER_PROTOCOL_VERSION)
  return decodeConsumerProtocolAssignment(r, version).assignedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })))
}

