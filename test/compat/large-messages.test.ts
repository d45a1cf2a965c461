// ~900 KiB records from every producer, uncompressed and compressed, read back by every consumer
// that decodes the codec: one large record per batch, under the default max.message.bytes
// (1048588) and the clients' default per-partition fetch sizes (1 MiB), so nothing is tuned.
import { ALL_CONSUMERS } from './helpers/consumers.js'
import { describeProducerMatrix, useBroker } from './helpers/matrix.js'
import { confluentProducer, kafkaPythonProducer, kafkajsProducer, kcatProducer, platformaticProducer } from './helpers/producers.js'
import type { ProducerClient } from './helpers/producers.js'
import { BASE_TIMESTAMP, largeValue } from './helpers/records.js'
import type { Codec, OutRecord } from './helpers/records.js'

const LARGE = 900 * 1024

/**
 * One large record per partition, so one per batch. No small records beside them: kafka-python
 * and librdkafka send a batch raw when compression does not shrink it, as a lone small one.
 */
function largeRecords(producer: ProducerClient, seed: number): OutRecord[] {
  const ts = (n: number) => (producer.setsTimestamps ? { timestamp: BASE_TIMESTAMP + n } : {})
  return [
    { partition: 0, key: 'large-0', value: largeValue(seed * 2 + 1, LARGE), headers: [['size', 'large']], ...ts(0) },
    { partition: 1, key: null, value: largeValue(seed * 2 + 2, LARGE), headers: [], ...ts(1) },
  ]
}

// Compressed codecs chosen per producer to cover each client's framing of large inputs: lz4
// frames of several blocks (kafkajs, kafka-python), xerial snappy chunks (kafka-python), raw
// snappy (platformatic, kcat), zstd and gzip from librdkafka.
const PLAN: readonly [ProducerClient, Codec[]][] = [
  [kafkajsProducer, ['none', 'lz4']],
  [platformaticProducer, ['none', 'snappy']],
  [kcatProducer, ['snappy', 'zstd']],
  [confluentProducer, ['none', 'gzip']],
  [kafkaPythonProducer, ['lz4', 'snappy']],
]

const broker = useBroker()
for (const [producer, codecs] of PLAN) {
  describeProducerMatrix(broker, producer, ALL_CONSUMERS, {
    label: 'large',
    codecs,
    partitions: 2,
    records: (_codec, i) => largeRecords(producer, PLAN.findIndex(([p]) => p === producer) * 2 + i),
  })
}
