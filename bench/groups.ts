/**
 * Group formation benchmark: time for N kafkajs consumers (N = 1, 10, 50) of one group to all
 * hold an assignment of a 50-partition topic, beside the time the same consumers take to connect
 * (the clients' own cost, measured in the same run). group.initial.rebalance.delay.ms is 0.
 *
 *     npx tsx bench/groups.ts [runs=3]
 *
 * The consumers connect first, then all subscribe and run at once; the clock stops when their
 * latest assignments are disjoint, cover every partition, and none is empty. kafkajs learns of a
 * rebalance from a heartbeat, which it sends between fetches: its defaults (heartbeatInterval 3 s,
 * maxWaitTimeInMs 5 s) put seconds of client waiting into each rebalance, so the run is made both
 * with those defaults and with both set to 100 ms, which leaves the broker's share visible.
 * Also shown: a first group on a fresh broker, which creates __consumer_offsets.
 */
import { Kafka, logLevel } from 'kafkajs'
import type { Consumer } from 'kafkajs'
import { startBroker } from '../src/index.js'
import type { BrokerHandle } from '../src/index.js'

const runs = Number(process.argv[2] ?? 3)
const PARTITIONS = 50
const TOPIC = 'bench-groups'
const SIZES = [1, 10, 50]
const DEADLINE_MS = 120_000

interface ClientSettings {
  readonly name: string
  readonly heartbeatInterval?: number
  readonly maxWaitTimeInMs?: number
}

const SETTINGS: readonly ClientSettings[] = [
  { name: 'tuned (heartbeat 100 ms, maxWait 100 ms)', heartbeatInterval: 100, maxWaitTimeInMs: 100 },
  { name: 'kafkajs defaults' },
]

interface Sample {
  readonly connectMs: number
  readonly assignMs: number
}

async function formGroup(broker: BrokerHandle, n: number, settings: ClientSettings, groupId: string): Promise<Sample> {
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  const latest = new Map<Consumer, number[]>()
  const consumers = Array.from({ length: n }, () => {
    const { heartbeatInterval, maxWaitTimeInMs } = settings
    const c = kafka.consumer({ groupId, ...(heartbeatInterval ? { heartbeatInterval } : {}), ...(maxWaitTimeInMs ? { maxWaitTimeInMs } : {}) })
    c.on(c.events.GROUP_JOIN, (e) => latest.set(c, e.payload.memberAssignment[TOPIC] ?? []))
    return c
  })
  try {
    const t0 = performance.now()
    await Promise.all(consumers.map((c) => c.connect()))
    const connectMs = performance.now() - t0
    const t1 = performance.now()
    let settled!: () => void
    const done = new Promise<void>((resolve) => (settled = resolve))
    const check = (): void => {
      if (latest.size < n) return
      const held = [...latest.values()]
      const all = held.flat()
      if (held.some((p) => p.length === 0) || all.length !== PARTITIONS || new Set(all).size !== PARTITIONS) return
      settled()
    }
    for (const c of consumers) c.on(c.events.GROUP_JOIN, check)
    await Promise.all(consumers.map(async (c) => {
      await c.subscribe({ topic: TOPIC })
      await c.run({ eachMessage: async () => {} })
    }))
    let timer: NodeJS.Timeout | undefined
    await Promise.race([done, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${n} consumers: no full assignment in ${DEADLINE_MS} ms`)), DEADLINE_MS)))])
    clearTimeout(timer)
    return { connectMs, assignMs: performance.now() - t1 }
  } finally {
    await Promise.all(consumers.map((c) => c.disconnect()))
  }
}

async function freshBroker(): Promise<BrokerHandle> {
  const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } })
  await broker.cluster.createTopic({ name: TOPIC, partitions: PARTITIONS })
  return broker
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const ms = (x: number): string => `${x.toFixed(0).padStart(6)} ms`

console.log(`kafkajs group formation, ${PARTITIONS}-partition topic, median of ${runs} runs (node ${process.version})`)
{
  const firsts: number[] = []
  for (let r = 0; r < runs; r++) {
    const broker = await freshBroker()
    try {
      firsts.push((await formGroup(broker, 1, SETTINGS[0]!, `first-${r}`)).assignMs)
    } finally {
      await broker.close()
    }
  }
  console.log(`  first group on a fresh broker (creates __consumer_offsets), 1 consumer: ${ms(median(firsts))}`)
}
for (const settings of SETTINGS) {
  console.log(`  ${settings.name}`)
  console.log('       N    connect   all assigned')
  for (const n of SIZES) {
    const samples: Sample[] = []
    for (let r = 0; r < runs; r++) {
      const broker = await freshBroker()
      try {
        await formGroup(broker, 1, SETTINGS[0]!, 'warm-up')
        samples.push(await formGroup(broker, n, settings, `bench-${n}-${r}`))
      } finally {
        await broker.close()
      }
    }
    console.log(`    ${String(n).padStart(4)}  ${ms(median(samples.map((s) => s.connectMs)))}  ${ms(median(samples.map((s) => s.assignMs)))}`)
  }
}
