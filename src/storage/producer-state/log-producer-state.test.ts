import { readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { eventually } from '../../../test/helpers/index.js'
import { tempDir } from '../../../test/storage/helpers.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { buildBatch } from '../../protocol/records/batch-builder.js'
import { buildTxnMarkerBatch } from '../../replica/write-txn-marker.js'
import { ManualClock } from '../clock.js'
import { logConfig, type LogConfig } from '../log-config.js'
import { LogManager } from '../log-manager.js'
import type { PartitionLog } from '../partition-log.js'
import { ProducerStateError } from './producer-state-error.js'

function open(dir: string, config: LogConfig = logConfig(), clock = new ManualClock()): Promise<LogManager> {
  return LogManager.open({ logDirs: [dir], clock, scheduler: clock, configFor: () => config, producerIdExpirationMs: 3_600_000 })
}

const CLIENT = { origin: 'client', leaderEpoch: 0 } as const
const BROKER = { leaderEpoch: 0 } as const

function data(producerId: number, seq: number, count: number, transactional = false, epoch = 0): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({ timestamp: 1_700_000_000_000, value: Buffer.alloc(100, i) }))
  return buildBatch(records, { producerId, producerEpoch: epoch, baseSequence: seq, transactional })
}

function marker(producerId: number, commit: boolean, epoch = 0): Buffer {
  return buildTxnMarkerBatch({ producerId, producerEpoch: epoch, coordinatorEpoch: 1, commit }, 1_700_000_000_000)
}

async function files(dir: string, suffix: string): Promise<string[]> {
  return (await readdir(join(dir, 't-0'))).filter((f) => f.endsWith(suffix)).sort()
}

/** A transaction of producer 1 aborted, one of producer 2 left open, and idempotent batches of producer 3. */
async function workload(log: PartitionLog): Promise<void> {
  await log.append(data(1, 0, 2, true), CLIENT) // 0-1
  await log.append(data(3, 0, 3), CLIENT) // 2-4
  await log.append(data(2, 0, 1, true), CLIENT) // 5
  await log.append(marker(1, false), BROKER) // 6
  await log.append(data(3, 3, 2), CLIENT) // 7-8
}

describe('PartitionLog producer state', () => {
  it('answers a retried batch with its original offsets and appends nothing; refuses gaps', async () => {
    const m = await open(await tempDir())
    const log = await m.createLog('t', 0, { topicId: null })
    await log.append(buildBatch([{ timestamp: 1, value: null }]), BROKER)
    const first = await log.append(data(9, 0, 3), CLIENT)
    expect(first).toMatchObject({ baseOffset: 1, lastOffset: 3 })
    const retry = await log.append(data(9, 0, 3), CLIENT)
    expect(retry).toMatchObject({ baseOffset: 1, lastOffset: 3 })
    expect(log.logEndOffset).toBe(4)
    const gap = log.append(data(9, 5, 1), CLIENT)
    await expect(gap).rejects.toBeInstanceOf(ProducerStateError)
    await expect(gap).rejects.toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER })
    expect((await log.append(data(9, 3, 1), CLIENT)).baseOffset).toBe(4)
    await m.close()
  })

  it('stops read_committed reads at the last stable offset and lists aborts from the .txnindex', async () => {
    const dir = await tempDir()
    const m = await open(dir)
    const log = await m.createLog('t', 0, { topicId: null })
    await workload(log)
    expect(log.highWatermark).toBe(9)
    expect(log.lastStableOffset).toBe(5)
    const upToLso = await log.read(0, 1 << 20, { maxOffset: log.lastStableOffset })
    const all = await log.read(0, 1 << 20)
    expect(upToLso.records.length).toBeLessThan(all.records.length)
    expect(await log.collectAbortedTransactions(0, 5)).toEqual([{ producerId: 1, firstOffset: 0, lastOffset: 6, lastStableOffset: 5 }])
    expect(await log.collectAbortedTransactions(7, 9)).toEqual([])
    await log.append(marker(2, true), BROKER)
    expect(log.lastStableOffset).toBe(10)
    expect(await files(dir, '.txnindex')).toEqual(['00000000000000000000.txnindex'])
    await m.close()
  })

  it('keeps the state across a clean restart through the snapshot taken at close', async () => {
    const dir = await tempDir()
    let m = await open(dir)
    await workload(await m.createLog('t', 0, { topicId: null }))
    await m.close()
    expect(await files(dir, '.snapshot')).toEqual(['00000000000000000009.snapshot'])
    m = await open(dir)
    const log = m.getLog('t', 0)!
    expect(log.lastStableOffset).toBe(5)
    expect(log.producerState.lastEntry(3)).toMatchObject({ lastSeq: 4, lastDataOffset: 8 })
    // Only the last batch survives a snapshot, as in Kafka: the newest retry is still a duplicate.
    expect(await log.append(data(3, 3, 2), CLIENT)).toMatchObject({ baseOffset: 7, lastOffset: 8 })
    await expect(log.append(data(2, 1, 1), CLIENT)).rejects.toMatchObject({ errorCode: ErrorCode.INVALID_TXN_STATE })
    await m.close()
  })

  it('rebuilds state and the transaction index from the log after an unclean shutdown', async () => {
    const dir = await tempDir()
    const m = await open(dir)
    await workload(await m.createLog('t', 0, { topicId: null }))
    // No close: an unclean shutdown, and the abort's index entry lost with it.
    await rm(join(dir, 't-0', '00000000000000000000.txnindex'), { force: true })
    const again = await open(dir)
    const log = again.getLog('t', 0)!
    expect(log.logEndOffset).toBe(9)
    expect(log.lastStableOffset).toBe(5)
    expect(log.producerState.lastEntry(1)).toMatchObject({ currentTxnFirstOffset: -1 })
    expect(log.producerState.lastEntry(2)).toMatchObject({ currentTxnFirstOffset: 5 })
    expect(await log.collectAbortedTransactions(0, 9)).toEqual([{ producerId: 1, firstOffset: 0, lastOffset: 6, lastStableOffset: 5 }])
    expect(await files(dir, '.snapshot')).toEqual(['00000000000000000009.snapshot'])
    await again.close()
  })

  it('replays the producer batches around the plain ones recovery has already read', async () => {
    const dir = await tempDir()
    const m = await open(dir, logConfig({ segmentBytes: 300 }))
    const log = await m.createLog('t', 0, { topicId: null })
    await log.append(data(4, 0, 3), CLIENT) // 0-2, before the recovered segments
    for (let i = 0; i < 3; i++) await log.append(buildBatch([{ timestamp: 1, value: Buffer.alloc(200) }]), BROKER) // 3, 4, 5
    await log.append(data(3, 0, 2), CLIENT) // 6-7, after the first recovered segment
    // An unclean shutdown with no snapshot left (once the rolls' ones are written) and recovery starting at offset 4's segment.
    await eventually(async () => expect(await files(dir, '.snapshot')).toHaveLength(4))
    for (const f of await files(dir, '.snapshot')) await rm(join(dir, 't-0', f))
    await writeFile(join(dir, 'recovery-point-offset-checkpoint'), '0\n1\nt 0 4\n')
    const again = await open(dir, logConfig({ segmentBytes: 300 }))
    const reopened = again.getLog('t', 0)!
    expect(reopened.segmentBaseOffsets.length).toBeGreaterThan(3)
    // Retries of both batches are known duplicates: the state holds each producer.
    expect(await reopened.append(data(4, 0, 3), CLIENT)).toMatchObject({ baseOffset: 0, lastOffset: 2 })
    expect(await reopened.append(data(3, 0, 2), CLIENT)).toMatchObject({ baseOffset: 6, lastOffset: 7 })
    expect(reopened.logEndOffset).toBe(8)
    await again.close()
  })

  it('snapshots at each roll and deletes snapshots and transaction indexes with their segments', async () => {
    const dir = await tempDir()
    const config = logConfig({ segmentBytes: 600, retentionBytes: 1 })
    const m = await open(dir, config)
    const log = await m.createLog('t', 0, { topicId: null })
    for (let i = 0; i < 6; i++) {
      await log.append(data(1, i * 2, 2, true), CLIENT)
      await log.append(marker(1, false), BROKER)
    }
    expect(log.segmentCount).toBeGreaterThan(2)
    await eventually(async () => expect((await files(dir, '.snapshot')).length).toBe(log.segmentCount - 1))
    expect((await files(dir, '.txnindex')).length).toBeGreaterThan(1)
    expect(await log.collectAbortedTransactions(0, log.logEndOffset)).toHaveLength(6)
    await m.cleanupLogs()
    await m.close()
    // The retired segments' indexes went with them; one snapshot below the log start stays for the restart.
    const after = await open(dir, config)
    const reopened = after.getLog('t', 0)!
    expect(reopened.segmentCount).toBe(1)
    expect((await files(dir, '.txnindex')).length).toBeLessThanOrEqual(1)
    expect(reopened.producerState.lastEntry(1)).toMatchObject({ producerEpoch: 0, lastSeq: 11 })
    expect(reopened.lastStableOffset).toBe(reopened.highWatermark)
    await after.close()
  })
})
