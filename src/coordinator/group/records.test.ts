import { describe, expect, it } from 'vitest'
import { encodeGroupMetadataValue } from '../../protocol/generated/records/group-metadata-value.js'
import { encodeOffsetCommitValue } from '../../protocol/generated/records/offset-commit-value.js'
import { Writer } from '../../protocol/primitives/writer.js'
import { ClassicGroup } from './classic-group.js'
import { GroupState } from './group-state.js'
import { ClassicMember } from './member.js'
import {
  decodeRecord,
  emptyGroupMetadataRecord,
  groupMetadataRecord,
  groupMetadataTombstone,
  offsetCommitRecord,
  offsetCommitTombstone,
} from './records.js'

/** Big-endian bytes built by hand from the schema, independent of the Writer under test. */
const i16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff])
const i32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}
const i64 = (n: bigint): Buffer => {
  const b = Buffer.alloc(8)
  b.writeBigInt64BE(n)
  return b
}
const str = (s: string | null): Buffer => (s === null ? i16(-1) : Buffer.concat([i16(Buffer.byteLength(s)), Buffer.from(s)]))
const bytes = (b: Buffer): Buffer => Buffer.concat([i32(b.length), b])

describe('offset commit records', () => {
  const offset = { offset: 42n, leaderEpoch: 7, metadata: 'meta', commitTimestamp: 1_700_000_000_123, expireTimestamp: null }

  it('writes key v1 and value v3 as Kafka does', () => {
    const record = offsetCommitRecord('g', 'orders', 2, offset)
    expect(record.key).toEqual(Buffer.concat([i16(1), str('g'), str('orders'), i32(2)]))
    expect(record.value).toEqual(Buffer.concat([i16(3), i64(42n), i32(7), str('meta'), i64(1_700_000_000_123n)]))
    expect(decodeRecord(record)).toEqual({ type: 'offset', group: 'g', topic: 'orders', partition: 2, value: offset })
  })

  it('writes value v1 (no leader epoch, with an expire timestamp) for commits that carried a retention time', () => {
    const record = offsetCommitRecord('g', 'orders', 0, { ...offset, expireTimestamp: 1_700_000_060_123 })
    expect(record.value).toEqual(Buffer.concat([i16(1), i64(42n), str('meta'), i64(1_700_000_000_123n), i64(1_700_000_060_123n)]))
    expect(decodeRecord(record)).toMatchObject({ value: { leaderEpoch: -1, expireTimestamp: 1_700_000_060_123 } })
  })

  it('writes a tombstone as the key with a null value', () => {
    const record = offsetCommitTombstone('g', 'orders', 1)
    expect(record.value).toBeNull()
    expect(decodeRecord(record)).toEqual({ type: 'offset', group: 'g', topic: 'orders', partition: 1, value: null })
  })

  it.each([0, 2, 4])('reads value v%i and key v0 (older and newer writers)', (version) => {
    const w = new Writer()
    w.writeInt16(version)
    encodeOffsetCommitValue(w, version, { offset: 5n, leaderEpoch: 3, metadata: 'x', commitTimestamp: 10n, expireTimestamp: -1n })
    const key = Buffer.concat([i16(0), str('g'), str('t'), i32(0)])
    expect(decodeRecord({ key, value: w.toBuffer() })).toEqual({
      type: 'offset',
      group: 'g',
      topic: 't',
      partition: 0,
      value: { offset: 5n, leaderEpoch: version >= 3 ? 3 : -1, metadata: 'x', commitTimestamp: 10, expireTimestamp: null },
    })
  })
})

describe('group metadata records', () => {
  function stableGroup(): ClassicGroup {
    const group = new ClassicGroup('g', () => 1_700_000_000_000, {
      state: GroupState.Stable,
      generationId: 4,
      protocolType: 'consumer',
      protocolName: 'range',
      leaderId: 'm1',
      stateTimestamp: 1_700_000_000_000,
    })
    group.add(
      new ClassicMember({
        memberId: 'm1',
        groupInstanceId: 'i1',
        clientId: 'c1',
        clientHost: '/10.0.0.1',
        rebalanceTimeoutMs: 30_000,
        sessionTimeoutMs: 10_000,
        protocolType: 'consumer',
        protocols: [
          { name: 'roundrobin', metadata: Buffer.from([9]) },
          { name: 'range', metadata: Buffer.from([1, 2]) },
        ],
      }),
    )
    return group
  }

  it('writes key v2 and value v3 with the selected protocol metadata and the given assignment', () => {
    const record = groupMetadataRecord(stableGroup(), new Map([['m1', Buffer.from([7, 7, 7])]]))
    expect(record.key).toEqual(Buffer.concat([i16(2), str('g')]))
    expect(record.value).toEqual(
      Buffer.concat([
        i16(3),
        str('consumer'),
        i32(4),
        str('range'),
        str('m1'),
        i64(1_700_000_000_000n),
        i32(1),
        str('m1'),
        str('i1'),
        str('c1'),
        str('/10.0.0.1'),
        i32(30_000),
        i32(10_000),
        bytes(Buffer.from([1, 2])),
        bytes(Buffer.from([7, 7, 7])),
      ]),
    )
    const decoded = decodeRecord(record)
    expect(decoded).toMatchObject({ type: 'group', group: 'g', value: { generation: 4, protocol: 'range', leader: 'm1' } })
  })

  it('refuses to write a member without an assignment', () => {
    expect(() => groupMetadataRecord(stableGroup(), new Map())).toThrow(/assignment/)
  })

  it('writes the record Kafka writes for a new group: no protocol type, generation 0, no members', () => {
    const record = emptyGroupMetadataRecord('g', 5)
    expect(record.value).toEqual(Buffer.concat([i16(3), str(''), i32(0), str(null), str(null), i64(5n), i32(0)]))
  })

  it('reads v0 (no timestamp, no rebalance timeout) and flexible v4 values', () => {
    for (const version of [0, 4]) {
      const w = new Writer()
      w.writeInt16(version)
      encodeGroupMetadataValue(w, version, {
        protocolType: 'consumer',
        generation: 2,
        protocol: 'range',
        leader: 'm',
        currentStateTimestamp: 99n,
        members: [
          { memberId: 'm', groupInstanceId: 'i', clientId: 'c', clientHost: 'h', rebalanceTimeout: 5, sessionTimeout: 6, subscription: Buffer.from([1]), assignment: Buffer.from([2]) },
        ],
      })
      const decoded = decodeRecord({ key: Buffer.concat([i16(2), str('g')]), value: w.toBuffer() })
      expect(decoded).toMatchObject({
        type: 'group',
        value: {
          currentStateTimestamp: version >= 2 ? 99n : -1n,
          members: [{ groupInstanceId: version >= 3 ? 'i' : null, rebalanceTimeout: version >= 1 ? 5 : -1, sessionTimeout: 6 }],
        },
      })
    }
  })

  it('writes a tombstone for a deleted group', () => {
    expect(decodeRecord(groupMetadataTombstone('g'))).toEqual({ type: 'group', group: 'g', value: null })
  })
})

describe('decodeRecord', () => {
  it('reports KIP-848 record types as unknown instead of failing', () => {
    expect(decodeRecord({ key: Buffer.concat([i16(3), str('g')]), value: Buffer.from([0, 0]) })).toEqual({ type: 'unknown', keyVersion: 3 })
  })

  it('rejects value versions it cannot read and truncated keys', () => {
    const key = Buffer.concat([i16(2), str('g')])
    expect(() => decodeRecord({ key, value: i16(9) })).toThrow(/version 9/)
    expect(() => decodeRecord({ key: Buffer.from([0, 1, 0]), value: null })).toThrow()
  })
})
