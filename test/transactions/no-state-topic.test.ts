/**
 * ListTransactions and DescribeTransactions on a broker that never had a transactional
 * producer: answered as Kafka does, without creating __transaction_state.
 */
import { describe, expect, it } from 'vitest'
import { TRANSACTION_STATE_TOPIC } from '../../src/coordinator/transaction/transaction-log.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { DescribeTransactions } from '../../src/protocol/generated/describe-transactions.js'
import { FindCoordinator } from '../../src/protocol/generated/find-coordinator.js'
import { ListTransactions } from '../../src/protocol/generated/list-transactions.js'
import { eventually } from '../helpers/index.js'
import { brokerWithRawClient } from '../helpers/raw-broker.js'

const env = brokerWithRawClient({ config: { 'transaction.state.log.num.partitions': '2' } })

describe('transaction listing before __transaction_state exists', () => {
  it('ListTransactions answers an empty list and DescribeTransactions NOT_COORDINATOR, creating nothing', async () => {
    env.client.send(ListTransactions, 1, { stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [], durationFilter: -1n })
    const listed = (await env.client.receive(ListTransactions, 1)).body
    expect(listed).toMatchObject({ errorCode: ErrorCode.NONE, unknownStateFilters: ['Bogus'], transactionStates: [] })
    env.client.send(DescribeTransactions, 0, { transactionalIds: ['tx', ''] })
    const described = (await env.client.receive(DescribeTransactions, 0)).body.transactionStates
    expect(described.map((s) => [s.transactionalId, s.errorCode])).toEqual([['tx', ErrorCode.NOT_COORDINATOR], ['', ErrorCode.INVALID_REQUEST]])
    expect(env.broker.cluster.topics.get(TRANSACTION_STATE_TOPIC)).toBeUndefined()

    // A coordinator lookup creates the topic; from then on the id is this coordinator's and unknown.
    env.client.send(FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: ['tx'] })
    expect((await env.client.receive(FindCoordinator, 4)).body.coordinators[0]?.errorCode).toBe(ErrorCode.NONE)
    await eventually(async () => {
      env.client.send(DescribeTransactions, 0, { transactionalIds: ['tx'] })
      expect((await env.client.receive(DescribeTransactions, 0)).body.transactionStates[0]?.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
    })
  })
})
