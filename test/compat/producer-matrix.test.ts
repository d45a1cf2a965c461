// Every producer × every codec it offers × every consumer that decodes it, with the
// shared workload (3 partitions, keys incl. null, headers, CreateTime) and with ~900 KiB records.
//
// Producers: kafkajs (none, gzip, snappy via kafkajs-snappy, lz4 via kafkajs-lz4; no zstd codec is
// installed), @platformatic/kafka (flexible Produce versions; its zstd needs node:zlib's zstd, which
// Node 20 lacks), librdkafka 2.0.2 through kcat -P and confluent-kafka-python (every codec; it sends
// lz4 uncompressed unless the broker serves FindCoordinator, and the storage cells assert what the
// batches on disk say), kafka-python 2.0.2 (every codec, through python3-snappy, -lz4, -zstandard).
//
// Consumers: kcat, confluent-kafka (assign() without a coordinator), kafka-python (assign(), no
// group), @platformatic/kafka (low-level fetch), and kafkajs through a consumer group (FindCoordinator,
// JoinGroup, SyncGroup, Heartbeat, OffsetFetch).
import { beforeAll } from 'vitest'
import { ALL_CONSUMERS } from './helpers/consumers.js'
import { describeProducerMatrix, useBroker } from './helpers/matrix.js'
import { confluentProducer, kafkaPythonProducer, kafkajsProducer, kcatProducer, platformaticProducer } from './helpers/producers.js'
import type { ProducerClient } from './helpers/producers.js'
import { largeRecords } from './helpers/records.js'
import type { Codec } from './helpers/records.js'

// Large records (~900 KiB), raw and compressed, in codecs chosen to cover each client's framing of
// large inputs: lz4 frames of several blocks (kafkajs, kafka-python), xerial snappy chunks
// (kafka-python), raw snappy (platformatic, kcat), zstd and gzip from librdkafka.
const LARGE_PLAN: readonly [ProducerClient, Codec[]][] = [
  [kafkajsProducer, ['none', 'lz4']],
  [platformaticProducer, ['none', 'snappy']],
  [kcatProducer, ['snappy', 'zstd']],
  [confluentProducer, ['none', 'gzip']],
  [kafkaPythonProducer, ['lz4', 'snappy']],
]

const broker = useBroker()
const starts = [kafkajsProducer, platformaticProducer, kcatProducer, confluentProducer, kafkaPythonProducer].map((producer) =>
  describeProducerMatrix(broker, producer, ALL_CONSUMERS),
)
const largeStarts = LARGE_PLAN.map(([producer, codecs], n) =>
  describeProducerMatrix(broker, producer, ALL_CONSUMERS, {
    label: 'large',
    codecs,
    partitions: 2,
    records: (_codec, i) => largeRecords(n * 2 + i, { timestamps: producer.setsTimestamps }),
  }),
)
// Every matrix produces at once (then its consumers read); the large ones follow the small ones.
beforeAll(async () => {
  await Promise.all(starts.map((start) => start()))
  await Promise.all(largeStarts.map((start) => start()))
}, 60_000)
