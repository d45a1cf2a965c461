/**
 * A group coordinator on a manual clock with an in-memory __consumer_offsets, for the
 * coordinator's unit tests: requests with sensible defaults, consumer-protocol subscriptions,
 * a way to hold or fail appends, and a check for whether a parked answer has arrived.
 */
import { pino } from 'pino'
import { GroupCoordinator } from '../../src/coordinator/group/group-coordinator.js'
import type { GroupCoordinatorConfig } from '../../src/coordinator/group/config.js'
import type { GroupLog } from '../../src/coordinator/group/group-log.js'
import type { JoinClient } from '../../src/coordinator/group/join.js'
import type { GroupLogRecord } from '../../src/coordinator/group/records.js'
import { encodeConsumerProtocolSubscription } from '../../src/protocol/generated/data/consumer-protocol-subscription.js'
import type { JoinGroupRequest, JoinGroupResponse } from '../../src/protocol/generated/join-group.js'
import type { SyncGroupRequest } from '../../src/protocol/generated/sync-group.js'
import type { OffsetCommitRequest } from '../../src/protocol/generated/offset-commit.js'
import { KafkaError } from '../../src/protocol/kafka-error.js'
import { Writer } from '../../src/protocol/primitives/writer.js'
import { ManualClock } from '../../src/storage/clock.js'

/** Records by partition; appends can be held (to observe what waits for them) or made to fail. */
export class MemoryGroupLog implements GroupLog {
  readonly partitions = new Map<number, GroupLogRecord[]>()
  #held: (() => void)[] | null = null
  #failWith: number | null = null

  append(partition: number, records: readonly GroupLogRecord[]): Promise<void> {
    if (this.#failWith !== null) return Promise.reject(new KafkaError(this.#failWith))
    const write = (): void => {
      const list = this.partitions.get(partition) ?? []
      list.push(...records)
      this.partitions.set(partition, list)
    }
    if (this.#held === null) {
      write()
      return Promise.resolve()
    }
    const held = this.#held
    return new Promise((resolve) => held.push(() => (write(), resolve())))
  }

  /** Appends from now on wait until `release`. */
  hold(): void {
    this.#held ??= []
  }

  release(): void {
    const held = this.#held ?? []
    this.#held = null
    for (const complete of held) complete()
  }

  /** Appends from now on fail with the Kafka error code; null to succeed again. */
  failWith(code: number | null): void {
    this.#failWith = code
  }

  records(partition: number): GroupLogRecord[] {
    return this.partitions.get(partition) ?? []
  }

  all(): GroupLogRecord[] {
    return [...this.partitions.values()].flat()
  }
}

export interface TopicCounts {
  readonly [topic: string]: number
}

export interface GroupFixture {
  readonly clock: ManualClock
  readonly groupLog: MemoryGroupLog
  readonly coordinator: GroupCoordinator
  readonly config: GroupCoordinatorConfig
  /** A second coordinator that loads everything written so far, as a broker restart would. */
  restart(config?: Partial<GroupCoordinatorConfig>): Promise<GroupCoordinator>
}

export const TEST_PARTITIONS = 4

export async function groupFixture(
  options: { config?: Partial<GroupCoordinatorConfig>; topics?: TopicCounts; load?: boolean } = {},
): Promise<GroupFixture> {
  const clock = new ManualClock()
  const groupLog = new MemoryGroupLog()
  const topics: TopicCounts = options.topics ?? { orders: 3, payments: 2 }
  const make = (config?: Partial<GroupCoordinatorConfig>): GroupCoordinator =>
    new GroupCoordinator({
      config: { initialRebalanceDelayMs: 0, offsetsTopicPartitions: TEST_PARTITIONS, ...options.config, ...config },
      clock,
      scheduler: clock,
      log: pino({ level: 'silent' }),
      groupLog,
      topics: { partitionCount: (t) => topics[t] },
    })
  const coordinator = make()
  if (options.load !== false) {
    for (let p = 0; p < TEST_PARTITIONS; p++) await coordinator.loadPartition(p, [])
  }
  return {
    clock,
    groupLog,
    coordinator,
    config: coordinator.config,
    async restart(config) {
      coordinator.close()
      const next = make(config)
      for (let p = 0; p < TEST_PARTITIONS; p++) await next.loadPartition(p, [...groupLog.records(p)])
      return next
    },
  }
}

export const CLIENT: JoinClient = { clientId: 'client', clientHost: '/127.0.0.1', apiVersion: 9 }

/** ConsumerProtocolSubscription bytes (int16 version first), as a Java or librdkafka consumer sends them. */
export function subscription(topics: readonly string[], version = 1): Buffer {
  const w = new Writer(64)
  w.writeInt16(version)
  encodeConsumerProtocolSubscription(w, version, { topics: [...topics], userData: null, ownedPartitions: [], generationId: -1, rackId: null })
  return w.toBuffer()
}

export function joinRequest(groupId: string, overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['orders']) }],
    reason: null,
    ...overrides,
  }
}

export function syncRequest(groupId: string, join: JoinGroupResponse, overrides: Partial<SyncGroupRequest> = {}): SyncGroupRequest {
  return {
    groupId,
    generationId: join.generationId,
    memberId: join.memberId,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [],
    ...overrides,
  }
}

export function commitRequest(
  groupId: string,
  offsets: readonly { topic: string; partition: number; offset: bigint; metadata?: string | null }[],
  overrides: Partial<OffsetCommitRequest> = {},
): OffsetCommitRequest {
  const byTopic = new Map<string, OffsetCommitRequest['topics'][number]>()
  for (const o of offsets) {
    let topic = byTopic.get(o.topic)
    if (!topic) byTopic.set(o.topic, (topic = { name: o.topic, partitions: [] }))
    topic.partitions.push({
      partitionIndex: o.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: -1,
      commitTimestamp: -1n,
      committedMetadata: o.metadata === undefined ? '' : o.metadata,
    })
  }
  return {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [...byTopic.values()],
    ...overrides,
  }
}

/** Whether the promise has settled, after letting every pending callback run. */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false
  promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  await new Promise((resolve) => setImmediate(resolve))
  return settled
}

/** A JoinGroup parked in the coordinator, with the member id it was sent under. */
export interface ParkedJoin {
  readonly memberId: string
  readonly response: Promise<JoinGroupResponse>
}

/**
 * A dynamic member joins a group with the two-step v4+ handshake (MEMBER_ID_REQUIRED, then the
 * id); returns the second step's JoinGroup, which the coordinator may park.
 */
export async function joinDynamic(
  coordinator: GroupCoordinator,
  groupId: string,
  overrides: Partial<JoinGroupRequest> = {},
  client: JoinClient = CLIENT,
): Promise<ParkedJoin> {
  const first = await coordinator.joinGroup(joinRequest(groupId, overrides), client)
  if (first.errorCode !== 79) throw new Error(`expected MEMBER_ID_REQUIRED, got ${first.errorCode}`)
  const response = coordinator.joinGroup(joinRequest(groupId, { ...overrides, memberId: first.memberId }), client)
  return { memberId: first.memberId, response }
}
