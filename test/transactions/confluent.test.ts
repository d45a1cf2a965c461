/**
 * Transactions through confluent-kafka-python (librdkafka): init_transactions, commit and abort,
 * send_offsets_to_transaction, fencing by a second producer with the same transactional.id, the
 * broker aborting a transaction past its timeout, and a timeout above transaction.max.timeout.ms.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { PYTHON, run } from '../compat/helpers/run.js'
import { startTestBroker } from '../helpers/broker.js'
import { eventually, uniqueName } from '../helpers/index.js'
import { storedLayout } from './stored.js'

const SCRIPT = join(fileURLToPath(new URL('.', import.meta.url)), 'python', 'confluent_txn.py')

let broker: Broker
beforeAll(async () => {
  broker = await startTestBroker({
    config: {
      'transaction.state.log.num.partitions': '4',
      'offsets.topic.num.partitions': '4',
      'transaction.max.timeout.ms': '60000',
      // The timeout scenario waits for the broker's abort; look for expired transactions often.
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': '100',
    },
  })
})
afterAll(async () => {
  await broker?.close()
})

interface TxnError {
  readonly name: string
  readonly fatal: boolean
  readonly abortable: boolean
}

async function scenario<T>(name: string, args: Record<string, unknown>): Promise<T> {
  const input = JSON.stringify({ scenario: name, bootstrap: broker.bootstrap, transactional_id: uniqueName('py-tx'), ...args })
  return JSON.parse(await run(PYTHON, [SCRIPT], { input, timeoutMs: 30_000 })) as T
}

async function topic(prefix: string): Promise<string> {
  const name = uniqueName(prefix)
  await broker.cluster.createTopic({ name, partitions: 1 })
  return name
}

describe('confluent-kafka transactions', () => {
  it('commits and aborts: each transaction ends in its marker; read_committed consumers skip the aborted records', async () => {
    const t = await topic('py-commit')
    expect(await scenario('commit_abort', { topic: t })).toEqual({ ok: true })
    await eventually(async () => expect(await storedLayout(broker, t, 0)).toEqual(['c1@txn', 'c2@txn', 'c3@txn', 'COMMIT', 'a1@txn', 'a2@txn', 'ABORT', 'c4@txn', 'COMMIT']))
    const committed = await scenario<{ values: string[] }>('consume', { topic: t, isolation: 'read_committed', expected: 4 })
    expect(committed.values).toEqual(['c1', 'c2', 'c3', 'c4'])
    const all = await scenario<{ values: string[] }>('consume', { topic: t, isolation: 'read_uncommitted', expected: 6 })
    expect(all.values).toEqual(['c1', 'c2', 'c3', 'a1', 'a2', 'c4'])
  })

  it('send_offsets_to_transaction commits the group offset with the transaction', async () => {
    const t = await topic('py-out')
    const input = await topic('py-in')
    const result = await scenario<{ committed: number }>('send_offsets', { topic: t, input, group: uniqueName('py-g'), offset: 42 })
    expect(result.committed).toBe(42)
    await eventually(async () => expect(await storedLayout(broker, t, 0)).toEqual(['out@txn', 'COMMIT']))
  })

  it('a second producer with the same transactional.id fences the first and aborts its transaction', async () => {
    const t = await topic('py-fence')
    const result = await scenario<{ first: TxnError | null }>('fencing', { topic: t })
    // librdkafka reports PRODUCER_FENCED as its fatal _FENCED.
    expect(result.first).toEqual({ name: '_FENCED', fatal: true, abortable: false })
    await eventually(async () => expect(await storedLayout(broker, t, 0)).toEqual(['old@txn', 'ABORT', 'new@txn', 'COMMIT']))
  })

  it('the broker aborts a transaction that outlives transaction.timeout.ms; its producer cannot commit it', async () => {
    const t = await topic('py-timeout')
    const result = await scenario<{ commit: TxnError | null }>('timeout', { topic: t, timeout_ms: 1500, wait_s: 3 })
    // The abort bumped the epoch, so the producer's EndTxn is fenced, as against Kafka.
    expect(result.commit, JSON.stringify(result)).toEqual({ name: '_FENCED', fatal: true, abortable: false })
    await eventually(async () => expect(await storedLayout(broker, t, 0)).toEqual(['expired@txn', 'ABORT']))
  })

  it('refuses a transaction.timeout.ms above transaction.max.timeout.ms', async () => {
    const result = await scenario<{ init: TxnError | null }>('bad_timeout', { timeout_ms: 120_000 })
    expect(result.init?.name).toBe('INVALID_TRANSACTION_TIMEOUT')
  })
})
