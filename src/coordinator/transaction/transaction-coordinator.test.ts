import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ManualClock } from '../../storage/clock.js'
import { ProducerIdManager } from '../producer-id-manager.js'
import type { TxnMarker } from './marker-writer.js'
import { PartitionSet, TransactionMetadata } from './transaction-metadata.js'
import { TransactionCoordinator } from './transaction-coordinator.js'
import { decodeTxnRecord, txnRecord } from './transaction-log.js'
import type { TxnLogRecord } from './transaction-log.js'
import { TxnState } from './transaction-state.js'

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

interface Options {
  readonly load?: boolean
  readonly records?: TxnLogRecord[]
  /** Markers wait for `release()` before they land. */
  readonly holdMarkers?: boolean
}

async function fixture(o: Options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'brook-txn-'))
  dirs.push(dir)
  const clock = new ManualClock()
  const written: TxnLogRecord[] = []
  const markers: { topic: string; partition: number; marker: TxnMarker }[] = []
  let held: (() => void)[] = []
  let failWrites = false
  const coordinator = new TransactionCoordinator({
    config: { stateTopicPartitions: 1, maxTimeoutMs: 60_000, transactionalIdExpirationMs: 100_000, removeExpiredIntervalMs: 10_000 },
    clock,
    scheduler: clock,
    log: pino({ level: 'silent' }),
    producerIds: await ProducerIdManager.open(dir),
    txnLog: {
      append: async (_p, record) => {
        if (failWrites) throw new Error('disk full')
        written.push(record)
      },
    },
    writeMarker: async (topic, partition, marker) => {
      if (o.holdMarkers) await new Promise<void>((resolve) => held.push(resolve))
      markers.push({ topic, partition, marker })
      return ErrorCode.NONE
    },
  })
  if (o.load !== false) await coordinator.loadPartition(0, o.records ?? [])
  const settle = async () => {
    for (let i = 0; i < 10; i++) await clock.advance(0)
  }
  return {
    coordinator,
    clock,
    written,
    markers,
    settle,
    release: async () => {
      const run = held
      held = []
      run.forEach((r) => r())
      await settle()
    },
    failWrites: (fail: boolean) => (failWrites = fail),
    last: () => decodeTxnRecord(written.at(-1)!).metadata,
  }
}

const init = (c: TransactionCoordinator, id = 'tx', timeoutMs = 30_000, expected?: { producerId: bigint; producerEpoch: number }) => c.initProducerId(id, timeoutMs, expected)
const add = (c: TransactionCoordinator, producerId: bigint, producerEpoch: number, partitions: [string, number][] = [['orders', 0], ['orders', 1]], transactionalId = 'tx') =>
  c.addPartitions({ transactionalId, producerId, producerEpoch, partitions })
const end = (c: TransactionCoordinator, producerId: bigint, producerEpoch: number, commit: boolean, transactionalId = 'tx') =>
  c.endTransaction({ transactionalId, producerId, producerEpoch, commit })

describe('TransactionCoordinator', () => {
  it('gives a new transactional id a producer id at epoch 0 and bumps the epoch on each InitProducerId', async () => {
    const { coordinator, last } = await fixture()
    expect(await init(coordinator)).toEqual({ errorCode: ErrorCode.NONE, producerId: 0n, producerEpoch: 0 })
    expect(last()).toMatchObject({ state: TxnState.Empty, producerId: 0n, producerEpoch: 0, timeoutMs: 30_000 })
    expect(await init(coordinator, 'tx', 20_000)).toEqual({ errorCode: ErrorCode.NONE, producerId: 0n, producerEpoch: 1 })
    expect(await coordinator.initProducerId(null, 0, undefined)).toMatchObject({ producerId: 1n, producerEpoch: 0 })
    expect(coordinator.describe('tx')).toMatchObject({ errorCode: 0, transactionState: 'Empty', producerEpoch: 1, transactionTimeoutMs: 20_000 })
  })

  it("answers bad input with Kafka's codes", async () => {
    const { coordinator, written } = await fixture()
    expect((await init(coordinator, '')).errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect((await init(coordinator, 'tx', 60_001)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    expect((await init(coordinator, 'tx', 0)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    expect(await add(coordinator, 0n, 0)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    expect(await end(coordinator, 0n, 0, true)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    expect(written).toHaveLength(0)
    const { producerId } = await init(coordinator)
    expect(await end(coordinator, producerId, 0, true)).toBe(ErrorCode.INVALID_TXN_STATE)
    expect(await add(coordinator, producerId + 1n, 0)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    expect(await add(coordinator, producerId, 1)).toBe(ErrorCode.PRODUCER_FENCED)
    expect(await end(coordinator, producerId, 1, false)).toBe(ErrorCode.PRODUCER_FENCED)
    expect(written).toHaveLength(1)
    expect(coordinator.describe('nope').errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
  })

  it('answers COORDINATOR_LOAD_IN_PROGRESS while the partition loads and NOT_COORDINATOR when it is not loaded', async () => {
    const { coordinator } = await fixture({ load: false })
    expect((await init(coordinator)).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    let finish: () => void = () => {}
    const gate = new Promise<void>((resolve) => (finish = resolve))
    const loading = coordinator.loadPartition(0, (async function* () {
      await gate
      yield* []
    })())
    expect((await init(coordinator)).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    expect(coordinator.list([], [], -1).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    finish()
    await loading
    expect((await init(coordinator)).errorCode).toBe(ErrorCode.NONE)
  })

  it('commits: Ongoing, PrepareCommit written and answered, markers, then CompleteCommit; the next transaction waits', async () => {
    const f = await fixture({ holdMarkers: true })
    const { coordinator } = f
    const { producerId } = await init(coordinator)
    f.clock.advance(5)
    expect(await add(coordinator, producerId, 0)).toBe(ErrorCode.NONE)
    expect(f.last()).toMatchObject({ state: TxnState.Ongoing, startTimestamp: f.clock.now() })
    expect([...f.last()!.partitions]).toEqual([['orders', 0], ['orders', 1]])
    // Already in the transaction: nothing is written.
    const before = f.written.length
    expect(await add(coordinator, producerId, 0, [['orders', 1]])).toBe(ErrorCode.NONE)
    expect(f.written).toHaveLength(before)
    expect(coordinator.verify('tx', Number(producerId), 0, 'orders', 1)).toBe(ErrorCode.NONE)
    expect(coordinator.verify('tx', Number(producerId), 0, 'orders', 7)).toBe(ErrorCode.INVALID_TXN_STATE)
    expect(coordinator.verify('tx', Number(producerId), 0, 'orders', 7, true)).toBe(ErrorCode.TRANSACTION_ABORTABLE)
    // A stale epoch: the coordinator's PRODUCER_FENCED reaches producers as INVALID_PRODUCER_EPOCH.
    expect(coordinator.verify('tx', Number(producerId), 1, 'orders', 1)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(coordinator.verifyPartitions({ transactionalId: 'tx', producerId, producerEpoch: 0, partitions: [['orders', 7]] })).toEqual([ErrorCode.TRANSACTION_ABORTABLE])

    expect(await end(coordinator, producerId, 0, true)).toBe(ErrorCode.NONE)
    expect(f.last()).toMatchObject({ state: TxnState.PrepareCommit })
    expect(coordinator.describe('tx').transactionState).toBe('PrepareCommit')
    // Markers are still being written: the next transaction's first request waits up to 100 ms for them.
    const waiting = add(coordinator, producerId, 0)
    await f.clock.advance(100)
    expect(await waiting).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    // Kafka checks the pending completion before the result, so an abort is told to wait too.
    expect(await end(coordinator, producerId, 0, true)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    expect(await end(coordinator, producerId, 0, false)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    expect((await init(coordinator)).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    // Produce is told to retry: NOT_ENOUGH_REPLICAS, as Kafka maps the coordinator's CONCURRENT_TRANSACTIONS.
    expect(coordinator.verify('tx', Number(producerId), 0, 'orders', 1)).toBe(ErrorCode.NOT_ENOUGH_REPLICAS)

    await f.release()
    expect(f.markers.map((m) => [m.topic, m.partition, m.marker])).toEqual([
      ['orders', 0, { producerId: 0, producerEpoch: 0, coordinatorEpoch: 0, commit: true }],
      ['orders', 1, { producerId: 0, producerEpoch: 0, coordinatorEpoch: 0, commit: true }],
    ])
    expect(f.last()).toMatchObject({ state: TxnState.CompleteCommit })
    expect(f.last()!.partitions.size).toBe(0)
    // A retried EndTxn of the same result succeeds; the other result is refused.
    expect(await end(coordinator, producerId, 0, true)).toBe(ErrorCode.NONE)
    expect(await end(coordinator, producerId, 0, false)).toBe(ErrorCode.INVALID_TXN_STATE)
    expect(await add(coordinator, producerId, 0)).toBe(ErrorCode.NONE)
  })

  it('lets the next transaction start as soon as the markers land, without a CONCURRENT_TRANSACTIONS round trip', async () => {
    const f = await fixture({ holdMarkers: true })
    const { producerId } = await init(f.coordinator)
    await add(f.coordinator, producerId, 0)
    expect(await end(f.coordinator, producerId, 0, false)).toBe(ErrorCode.NONE)
    const next = add(f.coordinator, producerId, 0, [['orders', 2]])
    await f.release()
    expect(await next).toBe(ErrorCode.NONE)
    expect(f.coordinator.describe('tx')).toMatchObject({ transactionState: 'Ongoing', topics: [{ topic: 'orders', partitions: [2] }] })
  })

  it('aborts a transaction when a new producer initialises the same id, fencing the old one', async () => {
    const f = await fixture()
    const { coordinator } = f
    const first = await init(coordinator)
    await add(coordinator, first.producerId, 0)
    expect((await init(coordinator)).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    await f.settle()
    expect(f.markers.map((m) => m.marker)).toEqual([
      { producerId: 0, producerEpoch: 1, coordinatorEpoch: 0, commit: false },
      { producerId: 0, producerEpoch: 1, coordinatorEpoch: 0, commit: false },
    ])
    expect(f.last()).toMatchObject({ state: TxnState.CompleteAbort, producerEpoch: 1 })
    expect(await init(coordinator)).toEqual({ errorCode: ErrorCode.NONE, producerId: 0n, producerEpoch: 2 })
    expect(await add(coordinator, first.producerId, 0)).toBe(ErrorCode.PRODUCER_FENCED)
    expect(await end(coordinator, first.producerId, 0, true)).toBe(ErrorCode.PRODUCER_FENCED)
  })

  it('aborts a transaction that outlives its timeout and bumps the epoch', async () => {
    const f = await fixture()
    const { coordinator } = f
    const { producerId } = await init(coordinator, 'tx', 15_000)
    await add(coordinator, producerId, 0)
    await f.clock.advance(10_000)
    expect(coordinator.describe('tx').transactionState).toBe('Ongoing')
    await f.clock.advance(10_000)
    await f.settle()
    expect(coordinator.describe('tx')).toMatchObject({ transactionState: 'CompleteAbort', producerEpoch: 1 })
    expect(f.markers.every((m) => !m.marker.commit && m.marker.producerEpoch === 1)).toBe(true)
    expect(await end(coordinator, producerId, 0, true)).toBe(ErrorCode.PRODUCER_FENCED)
  })

  it('lets a producer recover with its producer id and epoch (KIP-360), and fences a stale pair', async () => {
    const { coordinator } = await fixture()
    const { producerId } = await init(coordinator)
    expect(await init(coordinator, 'tx', 30_000, { producerId, producerEpoch: 0 })).toEqual({ errorCode: 0, producerId, producerEpoch: 1 })
    // The answer was lost and the same request comes again: the same epoch.
    expect(await init(coordinator, 'tx', 30_000, { producerId, producerEpoch: 0 })).toEqual({ errorCode: 0, producerId, producerEpoch: 1 })
    expect((await init(coordinator, 'tx', 30_000, { producerId: 99n, producerEpoch: 0 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
    await init(coordinator)
    expect((await init(coordinator, 'tx', 30_000, { producerId, producerEpoch: 1 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
  })

  it('rotates to a new producer id when the epoch is exhausted', async () => {
    const exhausted = new TransactionMetadata('tx', {
      producerId: 500n, lastProducerId: -1n, producerEpoch: 32_766, lastProducerEpoch: -1, timeoutMs: 30_000,
      state: TxnState.CompleteCommit, startTimestamp: 1, lastUpdateTimestamp: 1,
    })
    exhausted.pendingState = TxnState.CompleteCommit
    const { coordinator } = await fixture({ records: [txnRecord('tx', exhausted)] })
    expect(await init(coordinator)).toEqual({ errorCode: 0, producerId: 0n, producerEpoch: 0 })
  })

  it('replays __transaction_state at load and completes transactions left prepared', async () => {
    const records: TxnLogRecord[] = []
    const state = (id: string, s: TxnState, partitions: [string, number][] = []) =>
      txnRecord(id, { producerId: 7n, lastProducerId: -1n, producerEpoch: 3, lastProducerEpoch: -1, timeoutMs: 30_000, state: s, partitions: new PartitionSet(partitions), startTimestamp: 10, lastUpdateTimestamp: 20 })
    records.push(state('a', TxnState.Empty), state('a', TxnState.Ongoing, [['orders', 0]]))
    records.push(state('b', TxnState.Ongoing, [['orders', 2], ['__consumer_offsets', 4]]), state('b', TxnState.PrepareAbort, [['orders', 2], ['__consumer_offsets', 4]]))
    records.push(state('gone', TxnState.Empty), state('gone', TxnState.Dead))
    expect(records.at(-1)!.value).toBeNull()
    const f = await fixture({ records })
    await f.settle()
    expect(f.coordinator.describe('a')).toMatchObject({ transactionState: 'Ongoing', producerId: 7n, producerEpoch: 3, topics: [{ topic: 'orders', partitions: [0] }] })
    expect(f.coordinator.describe('b').transactionState).toBe('CompleteAbort')
    expect(f.markers.map((m) => [m.topic, m.partition, m.marker.commit])).toEqual([['orders', 2, false], ['__consumer_offsets', 4, false]])
    expect(f.coordinator.describe('gone').errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
    expect(f.coordinator.list(['Ongoing', 'Bogus'], [], -1)).toMatchObject({ unknownStateFilters: ['Bogus'], transactionStates: [{ transactionalId: 'a', producerId: 7n, transactionState: 'Ongoing' }] })
    expect(f.coordinator.list([], [8n], -1).transactionStates).toEqual([])
    expect(f.coordinator.list([], [], 1_000_000_000_000_000).transactionStates).toEqual([])
  })

  it('leaves the state unchanged when a write fails', async () => {
    const f = await fixture()
    const { producerId } = await init(f.coordinator)
    f.failWrites(true)
    expect(await add(f.coordinator, producerId, 0)).toBe(ErrorCode.NOT_COORDINATOR)
    expect(f.coordinator.describe('tx').transactionState).toBe('Empty')
    f.failWrites(false)
    expect(await add(f.coordinator, producerId, 0)).toBe(ErrorCode.NONE)
  })

  it('removes a transactional id idle for transactional.id.expiration.ms with a tombstone', async () => {
    const f = await fixture()
    await init(f.coordinator)
    await f.clock.advance(110_000)
    expect(f.written.at(-1)?.value).toBeNull()
    expect(f.coordinator.describe('tx').errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
  })
})
