import { describe, expect, it } from 'vitest'
import { PartitionSet } from './transaction-metadata.js'
import { decodeTxnRecord, partitionForTransactionalId, txnRecord } from './transaction-log.js'
import { TxnState } from './transaction-state.js'

const transit = (state: TxnState, partitions: [string, number][] = []) => ({
  producerId: 0x0102n,
  lastProducerId: -1n,
  producerEpoch: 3,
  lastProducerEpoch: -1,
  timeoutMs: 60_000,
  state,
  partitions: new PartitionSet(partitions),
  startTimestamp: 5,
  lastUpdateTimestamp: 6,
})

describe('__transaction_state records', () => {
  it("writes Kafka's bytes: version-0 key and value, partitions grouped by topic, null partitions while Empty", () => {
    const ongoing = txnRecord('tx', transit(TxnState.Ongoing, [['ab', 1], ['ab', 2], ['c', 0]]))
    expect(ongoing.key.toString('hex')).toBe('0000' + '0002' + '7478')
    expect(ongoing.value!.toString('hex')).toBe(
      [
        '0000', // value version
        '0000000000000102', // producer id
        '0003', // epoch
        '0000ea60', // timeout 60000
        '01', // Ongoing
        '00000002', // two topics
        '0002' + '6162' + '00000002' + '00000001' + '00000002',
        '0001' + '63' + '00000001' + '00000000',
        '0000000000000006', // last update
        '0000000000000005', // start
      ].join(''),
    )
    const empty = txnRecord('tx', transit(TxnState.Empty))
    expect(empty.value!.subarray(2 + 8 + 2 + 4, 2 + 8 + 2 + 4 + 5).toString('hex')).toBe('00' + 'ffffffff')
    expect(txnRecord('tx', transit(TxnState.Dead)).value).toBeNull()
  })

  it('reads back what it writes, and tombstones as removals', () => {
    const { transactionalId, metadata } = decodeTxnRecord(txnRecord('tx', transit(TxnState.PrepareCommit, [['ab', 1]])))
    expect(transactionalId).toBe('tx')
    expect(metadata).toMatchObject({ producerId: 0x0102n, producerEpoch: 3, timeoutMs: 60_000, state: TxnState.PrepareCommit, startTimestamp: 5, lastUpdateTimestamp: 6 })
    expect([...metadata!.partitions]).toEqual([['ab', 1]])
    expect(decodeTxnRecord(txnRecord('tx', transit(TxnState.Dead))).metadata).toBeUndefined()
    expect(() => decodeTxnRecord({ key: Buffer.from('00010000', 'hex'), value: null })).toThrow(/TransactionLogKey version 1/)
  })

  it("places transactional ids as Kafka does (Java hashCode, abs, modulo the partition count)", () => {
    // "hello".hashCode() is 99162322.
    expect(partitionForTransactionalId('hello', 50)).toBe(99162322 % 50)
  })
})
