/**
 * Transaction throughput: kafkajs sends the same records (100-byte values, one partition, acks
 * all) as plain produce, idempotent produce, and transactions of 10 and of 1,000 records (each
 * one send and a commit), in the same run against one broker. Plain and idempotent sends use
 * the same batch sizes as the transactions, so each row differs from its neighbour only in what
 * the broker does for idempotence or for the transaction (AddPartitionsToTxn, EndTxn, markers).
 *
 *     npx tsx bench/transactions.ts [records=20000] [runs=3]
 */
import { Kafka, logLevel } from 'kafkajs'
import type { Producer } from 'kafkajs'
import { startBroker } from '../src/index.js'

const records = Number(process.argv[2] ?? 20_000)
const runs = Number(process.argv[3] ?? 3)
const VALUE = 'x'.repeat(100)

type Mode = 'plain' | 'idempotent' | 'transactional'

interface Case {
  readonly mode: Mode
  readonly batch: number
}

const CASES: readonly Case[] = [
  { mode: 'plain', batch: 10 },
  { mode: 'idempotent', batch: 10 },
  { mode: 'transactional', batch: 10 },
  { mode: 'plain', batch: 1000 },
  { mode: 'idempotent', batch: 1000 },
  { mode: 'transactional', batch: 1000 },
]

const broker = await startBroker({ config: { 'transaction.state.log.num.partitions': 50 } })
const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
let topicCount = 0

async function producerFor(mode: Mode): Promise<Producer> {
  const producer =
    mode === 'plain'
      ? kafka.producer({ idempotent: false })
      : mode === 'idempotent'
        ? kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
        : kafka.producer({ transactionalId: `bench-${process.pid}-${topicCount}`, idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  return producer
}

async function measure(c: Case): Promise<number> {
  const topic = `bench-txn-${++topicCount}`
  await broker.cluster.createTopic({ name: topic, partitions: 1 })
  const producer = await producerFor(c.mode)
  const messages = Array.from({ length: c.batch }, () => ({ value: VALUE }))
  try {
    const t0 = performance.now()
    for (let sent = 0; sent < records; sent += c.batch) {
      if (c.mode === 'transactional') {
        const txn = await producer.transaction()
        await txn.send({ topic, acks: -1, messages })
        await txn.commit()
      } else {
        await producer.send({ topic, acks: -1, messages })
      }
    }
    return performance.now() - t0
  } finally {
    await producer.disconnect()
  }
}

// A fresh process spends its first second compiling: one unmeasured pass of each mode first.
for (const mode of ['plain', 'idempotent', 'transactional'] as const) await measure({ mode, batch: 100 })
console.log(`${records} records of ${VALUE.length} bytes per case, best of ${runs} runs`)
console.log('mode           batch   records/s   ms per send or transaction')
for (const c of CASES) {
  let best = Infinity
  for (let r = 0; r < runs; r++) best = Math.min(best, await measure(c))
  const rate = Math.round((records / best) * 1000)
  const per = (best / (records / c.batch)).toFixed(2)
  console.log(`${c.mode.padEnd(14)} ${String(c.batch).padStart(5)} ${String(rate).padStart(11)}   ${per}`)
}
await broker.close()
