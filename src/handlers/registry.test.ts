import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../protocol/error-codes.js'
import { Heartbeat } from '../protocol/generated/heartbeat.js'
import { apiVersions } from './api-versions.js'
import { defineHandler } from './handler.js'
import { brokerHandlers } from './index.js'
import { metadata } from './metadata.js'
import { HandlerRegistry } from './registry.js'

const heartbeat = (minVersion: number, maxVersion: number) =>
  defineHandler({ api: Heartbeat, minVersion, maxVersion, handle: () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NONE }) })

describe('handler registry', () => {
  it('offers what the handlers declare, in api key order', () => {
    const registry = new HandlerRegistry([metadata, heartbeat(0, 4), apiVersions])
    expect(registry.versionRanges()).toEqual([
      { apiKey: 3, minVersion: 0, maxVersion: 12 },
      { apiKey: 12, minVersion: 0, maxVersion: 4 },
      { apiKey: 18, minVersion: 0, maxVersion: 3 },
    ])
    expect(registry.get(12)?.name).toBe('Heartbeat')
    expect(registry.get(0)).toBeUndefined()
  })

  it('refuses a version range the generated codec cannot encode', () => {
    expect(() => heartbeat(0, 5)).toThrow('Heartbeat handler declares v0-5 but the codec covers v0-4')
    expect(() => heartbeat(3, 2)).toThrow(/declares v3-2/)
  })

  it('refuses two handlers for one API', () => {
    expect(() => new HandlerRegistry([heartbeat(0, 4), heartbeat(1, 4)])).toThrow('two handlers for Heartbeat')
  })

  it('advertises the ranges the issues call for, and nothing else', () => {
    const served = Object.fromEntries(brokerHandlers.map((h) => [h.name, `${h.minVersion}-${h.maxVersion}`]))
    expect(served).toEqual({
      ApiVersions: '0-3',
      Metadata: '0-12',
      Produce: '0-11',
      Fetch: '4-16',
      ListOffsets: '1-8',
      CreateTopics: '2-7',
      DeleteTopics: '1-6',
      CreatePartitions: '0-3',
      DeleteRecords: '0-2',
      FindCoordinator: '0-5',
      JoinGroup: '0-9',
      SyncGroup: '0-5',
      Heartbeat: '0-4',
      LeaveGroup: '0-5',
      OffsetCommit: '2-9',
      OffsetFetch: '1-9',
      DescribeGroups: '0-5',
      ListGroups: '0-5',
      DeleteGroups: '0-2',
      OffsetDelete: '0-0',
      DescribeConfigs: '1-4',
      AlterConfigs: '0-2',
      IncrementalAlterConfigs: '0-1',
      DescribeCluster: '0-1',
      DescribeLogDirs: '0-4',
      OffsetForLeaderEpoch: '2-4',
      ElectLeaders: '0-2',
      AlterPartitionReassignments: '0-0',
      ListPartitionReassignments: '0-0',
      DescribeTopicPartitions: '0-0',
      InitProducerId: '0-5',
      AddPartitionsToTxn: '0-5',
      AddOffsetsToTxn: '0-4',
      EndTxn: '0-4',
      TxnOffsetCommit: '0-4',
      DescribeTransactions: '0-0',
      ListTransactions: '0-1',
      DescribeProducers: '0-0',
    })
  })
})
