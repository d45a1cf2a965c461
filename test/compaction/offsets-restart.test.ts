// __consumer_offsets is compacted: an hour of offset commits every 100 ms leaves a small log,
// and a broker restarting on it has its groups back in well under a second.
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { offsetCommitRecord } from '../../src/coordinator/group/records.js'
import { OFFSETS_TOPIC } from '../../src/coordinator/group/partition-group-log.js'
import { FindCoordinator } from '../../src/protocol/generated/find-coordinator.js'
import { buildBatch } from '../../src/protocol/records/batch-builder.js'
import { ManualClock } from '../../src/storage/clock.js'
import { logConfig } from '../../src/storage/log-config.js'
import { LogManager } from '../../src/storage/log-manager.js'
import { startTestBroker } from '../helpers/broker.js'
import { tempDir, uniqueName } from '../helpers/index.js'
import { RawClient } from '../helpers/raw-client.js'

const brokers: Broker[] = []
afterEach(async () => {
  for (const b of brokers.splice(0)) await b.close()
})

const SEGMENT_BYTES = 1 << 20
const PARTITIONS = 2
const COMMITS = 36_000

async function start(dir: string): Promise<Broker> {
  const broker = await startTestBroker({
    config: { 'log.dirs': dir, 'offsets.topic.num.partitions': '1', 'offsets.topic.segment.bytes': String(SEGMENT_BYTES), 'log.cleaner.enable': 'false' },
  })
  brokers.push(broker)
  return broker
}

async function dirBytes(dir: string): Promise<number> {
  let n = 0
  for (const f of await readdir(dir)) if (f.endsWith('.log')) n += (await stat(join(dir, f))).size
  return n
}

describe('__consumer_offsets compaction', () => {
  it('an hour of commits every 100 ms, cleaned as it goes, restarts in under a second with the last offsets', async () => {
    const dir = tempDir()
    const group = uniqueName('hourly')
    const topic = uniqueName('orders')
    const first = await start(dir)
    const admin = new Kafka({ brokers: [first.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] })
    await admin.disconnect()
    // The first FindCoordinator creates __consumer_offsets.
    const raw = await RawClient.connect(first.bootstrap)
    raw.send(FindCoordinator, 3, { key: group, keyType: 0, coordinatorKeys: [] })
    await raw.receive(FindCoordinator, 3)
    raw.close()
    await first.groups.settled()
    const info = first.cluster.topics.get(OFFSETS_TOPIC)
    expect(info?.configs['cleanup.policy']).toBe('compact')
    await brokers.pop()!.close()

    // The hour, written as the coordinator writes commits (one batch per OffsetCommit), on a
    // manual clock; the cleaner runs every log.cleaner.backoff.ms (15 s) of it.
    const clock = new ManualClock()
    const logs = await LogManager.open({ logDirs: [dir], clock, scheduler: clock, configFor: () => logConfig({ cleanupPolicy: ['compact'], segmentBytes: SEGMENT_BYTES }), cleaner: { enable: false } })
    const log = logs.getLog(OFFSETS_TOPIC, 0)!
    let written = 0
    const commitsPerStep = 150 // 15 s of commits every 100 ms: the cleaner's backoff
    for (let step = 0; step < COMMITS / commitsPerStep; step++) {
      const appends: Array<Promise<unknown>> = []
      for (let k = 1; k <= commitsPerStep; k++) {
        const i = step * commitsPerStep + k
        const at = clock.now() + k * 100
        const batch = buildBatch(
          Array.from({ length: PARTITIONS }, (_, p) => {
            const r = offsetCommitRecord(group, topic, p, { offset: BigInt(i * 10 + p), leaderEpoch: 0, metadata: '', commitTimestamp: at, expireTimestamp: null })
            return { timestamp: at, key: r.key, value: r.value }
          }),
        )
        written += batch.length
        appends.push(log.append(batch))
      }
      await Promise.all(appends)
      await clock.advance(commitsPerStep * 100)
      await logs.cleaner.cleanFilthiestLog()
    }
    await logs.close()
    const kept = await dirBytes(log.dir)
    expect(written).toBeGreaterThan(4 * SEGMENT_BYTES)
    // What stays: the last few segments' worth at most, not the hour.
    expect(kept).toBeLessThan(3 * SEGMENT_BYTES)

    const started = performance.now()
    const broker = await start(dir)
    await broker.groups.settled()
    const ms = performance.now() - started
    expect(ms).toBeLessThan(1000)

    const again = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await again.connect()
    const [offsets] = await again.fetchOffsets({ groupId: group, topics: [topic] })
    await again.disconnect()
    expect(offsets!.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset)).toEqual(Array.from({ length: PARTITIONS }, (_, p) => String(COMMITS * 10 + p)))
  }, 60_000)
})
