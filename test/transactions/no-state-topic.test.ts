/**
 * ListTransactions and DescribeTransactions on a broker that never had a transactional
 * producer: answered as Kafka does, without creating __transaction_state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { TRANSACTION_STATE_TOPIC } from '../../src/coordinator/transaction/transaction-log.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { DescribeTransactions } from '../../src/protocol/generated/describe-transactions.js'
import { FindCoordinator } from '../../src/protocol/generated/find-coordinator.js'
import { ListTransactions } from '../../src/protocol/generated/list-transactions.js'
import { startTestBroker } from '../helpers/broker.js'
import { eventually } from '../helpers/index.js'
import { RawClient } from '../helpers/raw-client.js'

let broker: Broker
let client: RawClient
beforeAll(async () => {
  broker = await startTestBroker({ config: { 'transaction.state.log.num.partitions': '2' } })
  client = await RawClient.connect(broker.bootstrap)
})
afterAll(async () => {
  client?.close()
  await broker?.close()
})

describe('transaction listing before __transaction_state exists', () => {
  it('ListTransactions answers an empty list and DescribeTransactions NOT_COORDINATOR, creating nothing', async () => {
    client.send(ListTransactions, 1, { stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [], durationFilter: -1n })
    const listed = (await client.receive(ListTransactions, 1)).body
    expect(listed).toMatchObject({ errorCode: ErrorCode.NONE, unknownStateFilters: ['Bogus'], transactionStates: [] })
    client.send(DescribeTransactions, 0, { transactionalIds: ['tx', ''] })
    const described = (await client.receive(DescribeTransactions, 0)).body.transactionStates
    expect(described.map((s) => [s.transactionalId, s.errorCode])).toEqual([['tx', ErrorCode.NOT_COORDINATOR], ['', ErrorCode.INVALID_REQUEST]])
    expect(broker.cluster.topics.get(TRANSACTION_STATE_TOPIC)).toBeUndefined()

    // A coordinator lookup creates the topic; from then on the id is this coordinator's and unknown.
    client.send(FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: ['tx'] })
    expect((await client.receive(FindCoordinator, 4)).body.coordinators[0]?.errorCode).toBe(ErrorCode.NONE)
    await eventually(async () => {
      client.send(DescribeTransactions, 0, { transactionalIds: ['tx'] })
      expect((await client.receive(DescribeTransactions, 0)).body.transactionStates[0]?.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
    })
  })
})
