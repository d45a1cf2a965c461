// acks=0 and a broker-side rejection through every producer: records sent without acknowledgement
// all land, in order (and an acknowledged send after them on the same connection gets the offsets
// that follow); a record over the topic's max.message.bytes reaches each client as Kafka's
// MESSAGE_TOO_LARGE, in that client's own words, and nothing is appended.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { eventually, uniqueName } from '../helpers/index.js'
import { useBroker } from './helpers/matrix.js'
import { confluentProducer, kafkaPythonProducer, kafkajsProducer, kcatProducer, platformaticProducer } from './helpers/producers.js'
import type { ProducerClient } from './helpers/producers.js'
import { PARTITIONS, comparable, expectedRecords, logRecords, workload } from './helpers/records.js'
import type { OutRecord } from './helpers/records.js'

const broker = useBroker()

/** Each client's way of saying MESSAGE_TOO_LARGE (error code 10). */
const TOO_LARGE: ReadonlyMap<ProducerClient, RegExp> = new Map([
  [kafkajsProducer, /type: 'MESSAGE_TOO_LARGE'/],
  [platformaticProducer, /apiId: 'MESSAGE_TOO_LARGE'/],
  [kcatProducer, /Delivery failed for message: Broker: Message size too large/],
  [confluentProducer, /MSG_SIZE_TOO_LARGE/],
  [kafkaPythonProducer, /MessageSizeTooLargeError/],
])

/** Clients whose jobs of one produce() call share one connection (librdkafka and kafka-python start a producer per job). */
const ONE_CONNECTION = new Set([kafkajsProducer, platformaticProducer])

async function logOf(topic: string, partitions: number) {
  return comparable(await logRecords(broker(), topic, partitions))
}

describe.concurrent('acks=0', () => {
  for (const producer of TOO_LARGE.keys()) {
    it(`${producer.name}: every record lands, in order${ONE_CONNECTION.has(producer) ? '; an acks=-1 send after them gets the next offsets' : ''}`, async () => {
      const topic = uniqueName(`compat-acks0-${producer.name}`)
      await broker().cluster.createTopic({ name: topic, partitions: PARTITIONS })
      const unacked = workload(producer.name, 'gzip', { timestamps: producer.setsTimestamps })
      const jobs = [{ topic, codec: 'gzip' as const, records: unacked, acks: 0 as const }]
      const acked: OutRecord[] = ONE_CONNECTION.has(producer) ? [0, 1, 2].map((p) => ({ partition: p, key: 'after', value: `acked-${p}`, headers: [] })) : []
      const deliveries = await producer.produce(broker().bootstrap, acked.length > 0 ? [...jobs, { topic, codec: 'none', records: acked }] : jobs)
      const all = [...unacked, ...acked]
      if (acked.length > 0) {
        const perPartition = unacked.length / PARTITIONS
        expect(deliveries?.map((d) => [d.partition, d.offset])).toEqual([0, 1, 2].map((p) => [p, perPartition]))
      }
      await eventually(async () => expect(await logOf(topic, PARTITIONS)).toEqual(comparable(expectedRecords(topic, all))), { timeoutMs: 15_000 })
    })
  }
})

describe.concurrent('MESSAGE_TOO_LARGE (topic max.message.bytes=2000)', () => {
  for (const [producer, words] of TOO_LARGE) {
    it(`${producer.name}: reports error 10 as ${words.source}; nothing is appended; a small record then lands at offset 0`, async () => {
      const topic = uniqueName(`compat-too-large-${producer.name}`)
      await broker().cluster.createTopic({ name: topic, partitions: 1, configs: { 'max.message.bytes': '2000' } })
      const big: OutRecord = { partition: 0, key: 'big', value: 'x'.repeat(4000), headers: [] }
      const err: unknown = await producer.produce(broker().bootstrap, [{ topic, codec: 'none', records: [big] }]).then(
        () => new Error('produce succeeded'),
        (e: unknown) => e,
      )
      expect(inspect(err, { depth: 6 })).toMatch(words)
      expect(await logOf(topic, 1)).toEqual([])
      const small: OutRecord = { partition: 0, key: 'small', value: 'fits', headers: [] }
      await producer.produce(broker().bootstrap, [{ topic, codec: 'none', records: [small] }])
      expect(await logOf(topic, 1)).toEqual(comparable(expectedRecords(topic, [small])))
    })
  }
})
