/**
 * __consumer_offsets records, byte for byte as Kafka 3.8+ writes them.
 *
 * Key:   int16 key version, then the key struct of that version:
 *          0 or 1 → OffsetCommitKey   (group string, topic string, partition int32); Kafka writes 1
 *          2      → GroupMetadataKey  (group string)
 *          3+     → KIP-848 consumer group records, which the classic coordinator skips
 * Value: int16 value version, then the value struct of that version; a null value is a tombstone.
 *          OffsetCommitValue v3 (offset, leaderEpoch, metadata, commitTimestamp); v1 (offset,
 *          metadata, commitTimestamp, expireTimestamp) when the commit carried a retention time
 *          GroupMetadataValue v3 (protocolType, generation, protocol, leader, currentStateTimestamp,
 *          members with group instance ids, subscription and assignment bytes)
 * Strings are int16-length UTF-8; bytes int32-length; versions 4+ of both values are flexible.
 */
import { decodeGroupMetadataKey, encodeGroupMetadataKey } from '../../protocol/generated/records/group-metadata-key.js'
import { decodeGroupMetadataValue, encodeGroupMetadataValue } from '../../protocol/generated/records/group-metadata-value.js'
import type { GroupMetadataValue, MemberMetadata } from '../../protocol/generated/records/group-metadata-value.js'
import { decodeOffsetCommitKey, encodeOffsetCommitKey } from '../../protocol/generated/records/offset-commit-key.js'
import { decodeOffsetCommitValue, encodeOffsetCommitValue } from '../../protocol/generated/records/offset-commit-value.js'
import { Reader } from '../../protocol/primitives/reader.js'
import { Writer } from '../../protocol/primitives/writer.js'
import type { ClassicGroup } from './classic-group.js'

/** One record of a __consumer_offsets partition, as the coordinator writes and replays it. */
export interface GroupLogRecord {
  readonly key: Buffer
  readonly value: Buffer | null
}

/** A committed offset as the coordinator keeps it. */
export interface OffsetAndMetadata {
  readonly offset: bigint
  /** -1 when the client did not say. */
  readonly leaderEpoch: number
  readonly metadata: string
  readonly commitTimestamp: number
  /** Only from OffsetCommit v2-4 with a retention time: the offset then expires at this time. */
  readonly expireTimestamp: number | null
}

export type DecodedRecord =
  | { readonly type: 'offset'; readonly group: string; readonly topic: string; readonly partition: number; readonly value: OffsetAndMetadata | null }
  | { readonly type: 'group'; readonly group: string; readonly value: GroupMetadataValue | null }
  | { readonly type: 'unknown'; readonly keyVersion: number }

const OFFSET_COMMIT_KEY_VERSION = 1
const GROUP_METADATA_KEY_VERSION = 2
const OFFSET_COMMIT_VALUE_VERSION = 3
const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY = 1
const GROUP_METADATA_VALUE_VERSION = 3
const MAX_VALUE_VERSION = 4

export function offsetCommitRecord(group: string, topic: string, partition: number, om: OffsetAndMetadata): GroupLogRecord {
  const version = om.expireTimestamp === null ? OFFSET_COMMIT_VALUE_VERSION : OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY
  const value = new Writer(64 + om.metadata.length * 3)
  value.writeInt16(version)
  encodeOffsetCommitValue(value, version, {
    offset: om.offset,
    leaderEpoch: om.leaderEpoch,
    metadata: om.metadata,
    commitTimestamp: BigInt(om.commitTimestamp),
    expireTimestamp: BigInt(om.expireTimestamp ?? -1),
  })
  return { key: offsetCommitKey(group, topic, partition), value: value.toBuffer() }
}

export function offsetCommitTombstone(group: string, topic: string, partition: number): GroupLogRecord {
  return { key: offsetCommitKey(group, topic, partition), value: null }
}

/** The group with each member's subscription (metadata of the selected protocol) and assignment. */
export function groupMetadataRecord(group: ClassicGroup, assignments: ReadonlyMap<string, Buffer>): GroupLogRecord {
  const members: MemberMetadata[] = []
  for (const m of group.members) {
    const assignment = assignments.get(m.memberId)
    if (group.protocolName === null || assignment === undefined) {
      throw new Error(`group ${group.groupId} cannot be written without a protocol and an assignment for ${m.memberId}`)
    }
    members.push({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: m.metadata(group.protocolName),
      assignment,
    })
  }
  const value = new Writer(256)
  value.writeInt16(GROUP_METADATA_VALUE_VERSION)
  encodeGroupMetadataValue(value, GROUP_METADATA_VALUE_VERSION, {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol: group.protocolName,
    leader: group.leaderId,
    currentStateTimestamp: BigInt(group.stateTimestamp),
    members,
  })
  return { key: groupMetadataKey(group.groupId), value: value.toBuffer() }
}

/** What Kafka writes when a JoinGroup creates a group: no protocol, generation 0, no members. */
export function emptyGroupMetadataRecord(groupId: string, stateTimestamp: number): GroupLogRecord {
  const value = new Writer(64)
  value.writeInt16(GROUP_METADATA_VALUE_VERSION)
  encodeGroupMetadataValue(value, GROUP_METADATA_VALUE_VERSION, {
    protocolType: '',
    generation: 0,
    protocol: null,
    leader: null,
    currentStateTimestamp: BigInt(stateTimestamp),
    members: [],
  })
  return { key: groupMetadataKey(groupId), value: value.toBuffer() }
}

export function groupMetadataTombstone(groupId: string): GroupLogRecord {
  return { key: groupMetadataKey(groupId), value: null }
}

/** Throws on a record that is not what Kafka writes (bad bytes, a value version from the future). */
export function decodeRecord(record: GroupLogRecord): DecodedRecord {
  const key = new Reader(record.key)
  const keyVersion = key.readInt16()
  if (keyVersion === 0 || keyVersion === 1) {
    const { group, topic, partition } = decodeOffsetCommitKey(key, keyVersion)
    return { type: 'offset', group, topic, partition, value: record.value && decodeOffsetValue(record.value) }
  }
  if (keyVersion === GROUP_METADATA_KEY_VERSION) {
    const { group } = decodeGroupMetadataKey(key, keyVersion)
    return { type: 'group', group, value: record.value && decodeGroupValue(record.value) }
  }
  return { type: 'unknown', keyVersion }
}

function decodeOffsetValue(bytes: Buffer): OffsetAndMetadata {
  const r = new Reader(bytes)
  const version = valueVersion(r, 'OffsetCommitValue')
  const v = decodeOffsetCommitValue(r, version)
  return {
    offset: v.offset,
    leaderEpoch: v.leaderEpoch,
    metadata: v.metadata,
    commitTimestamp: Number(v.commitTimestamp),
    expireTimestamp: v.expireTimestamp === -1n ? null : Number(v.expireTimestamp),
  }
}

function decodeGroupValue(bytes: Buffer): GroupMetadataValue {
  const r = new Reader(bytes)
  return decodeGroupMetadataValue(r, valueVersion(r, 'GroupMetadataValue'))
}

function valueVersion(r: Reader, what: string): number {
  const version = r.readInt16()
  if (version < 0 || version > MAX_VALUE_VERSION) throw new Error(`unknown ${what} version ${version}`)
  return version
}

function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  const w = new Writer(8 + (group.length + topic.length) * 3)
  w.writeInt16(OFFSET_COMMIT_KEY_VERSION)
  encodeOffsetCommitKey(w, OFFSET_COMMIT_KEY_VERSION, { group, topic, partition })
  return w.toBuffer()
}

function groupMetadataKey(group: string): Buffer {
  const w = new Writer(4 + group.length * 3)
  w.writeInt16(GROUP_METADATA_KEY_VERSION)
  encodeGroupMetadataKey(w, GROUP_METADATA_KEY_VERSION, { group })
  return w.toBuffer()
}
