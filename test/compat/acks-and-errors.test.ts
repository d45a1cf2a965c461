// acks=0 and broker-side rejections through every producer: records sent without acknowledgement
// all land, in order (and an acknowledged send after them on the same connection gets the offsets
// that follow); a record over the topic's max.message.bytes (MESSAGE_TOO_LARGE) and a keyless record
// on a compacted topic (INVALID_RECORD) reach each client as Kafka's error, in that client's own
// words, and nothing is appended.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { eventually, uniqueName } from '../helpers/index.js'
import { useBroker } from './helpers/matrix.js'
import { confluentProducer, kafkaPythonProducer, kafkajsProducer, kcatProducer, platformaticProducer } from './helpers/producers.js'
import type { ProducerClient } from './helpers/producers.js'
import { PARTITIONS, comparable, expectedRecords, logRecords, workload } from './helpers/records.js'
import type { OutRecord } from './helpers/records.js'

const broker = useBroker()

const PRODUCERS = [kafkajsProducer, platformaticProducer, kcatProducer, confluentProducer, kafkaPythonProducer]

interface Rejection {
  readonly name: string
  readonly code: number
  readonly configs: Readonly<Record<string, string>>
  readonly record: OutRecord
  /** Each client's way of saying it. */
  readonly words: ReadonlyMap<ProducerClient, RegExp>
}

const REJECTIONS: readonly Rejection[] = [
  {
    name: 'MESSAGE_TOO_LARGE (topic max.message.bytes=2000)',
    code: 10,
    configs: { 'max.message.bytes': '2000' },
    record: { partition: 0, key: 'big', value: 'x'.repeat(4000), headers: [] },
    words: new Map([
      [kafkajsProducer, /type: 'MESSAGE_TOO_LARGE'/],
      [platformaticProducer, /apiId: 'MESSAGE_TOO_LARGE'/],
      [kcatProducer, /Delivery failed for message: Broker: Message size too large/],
      [confluentProducer, /MSG_SIZE_TOO_LARGE/],
      [kafkaPythonProducer, /MessageSizeTooLargeError/],
    ]),
  },
  {
    name: 'INVALID_RECORD (a null key on a compacted topic)',
    code: 87,
    configs: { 'cleanup.policy': 'compact' },
    record: { partition: 0, key: null, value: 'no key', headers: [] },
    words: new Map([
      [kafkajsProducer, /type: 'INVALID_RECORD'/],
      [platformaticProducer, /apiId: 'INVALID_RECORD'/],
      [kcatProducer, /Delivery failed for message: Broker: Broker failed to validate record/],
      [confluentProducer, /INVALID_RECORD/],
      // kafka-python 2.0.2 predates error 87 and names it UnknownError.
      [kafkaPythonProducer, /UnknownError/],
    ]),
  },
]

/** Clients whose jobs of one produce() call share one connection (librdkafka and kafka-python start a producer per job). */
const ONE_CONNECTION = new Set([kafkajsProducer, platformaticProducer])

async function logOf(topic: string, partitions: number) {
  return comparable(await logRecords(broker(), topic, partitions))
}

describe.concurrent('acks=0', () => {
  for (const producer of PRODUCERS) {
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

for (const rejection of REJECTIONS) {
  describe.concurrent(rejection.name, () => {
    for (const [producer, words] of rejection.words) {
      it(`${producer.name}: reports error ${rejection.code} as ${words.source}; nothing is appended; a good record then lands at offset 0`, async () => {
        const topic = uniqueName(`compat-rejected-${producer.name}`)
        await broker().cluster.createTopic({ name: topic, partitions: 1, configs: rejection.configs })
        const err: unknown = await producer.produce(broker().bootstrap, [{ topic, codec: 'none', records: [rejection.record] }]).then(
          () => new Error('produce succeeded'),
          (e: unknown) => e,
        )
        expect(inspect(err, { depth: 6 })).toMatch(words)
        expect(await logOf(topic, 1)).toEqual([])
        const good: OutRecord = { partition: 0, key: 'good', value: 'fits', headers: [] }
        await producer.produce(broker().bootstrap, [{ topic, codec: 'none', records: [good] }])
        expect(await logOf(topic, 1)).toEqual(comparable(expectedRecords(topic, [good])))
      })
    }
  })
}
