import { LONG_MAX, atLeast, between, boolean, int, long, oneOf, string } from './config-def.js'
import type { Validator } from './config-def.js'

const gzipLevel: Validator<number> = {
  expectation: 'a value in [1, 9] or -1',
  accepts: (v) => v === -1 || (v >= 1 && v <= 9),
}

/**
 * Broker configs of the records a producer may append (size, compression, timestamps), then the
 * replication keys a one-node broker accepts without use.
 */
export const recordConfigDefs = {
  // --- records (topic configs may override them)
  'message.max.bytes': int({
    default: 1048588,
    validator: atLeast(0),
    doc: 'Largest record batch (after compression) a producer may append.',
  }),
  'compression.type': string({
    default: 'producer',
    validator: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
    doc: 'Codec batches are stored with; producer keeps what the producer used.',
  }),
  'compression.gzip.level': int({
    default: -1,
    validator: gzipLevel,
    doc: 'gzip level for compression.type=gzip.',
  }),
  'compression.lz4.level': int({
    default: 9,
    validator: between(1, 17),
    doc: 'lz4 level for compression.type=lz4.',
  }),
  'compression.zstd.level': int({
    default: 3,
    validator: between(-131072, 22),
    doc: 'zstd level for compression.type=zstd.',
  }),
  'log.message.timestamp.type': string({
    default: 'CreateTime',
    validator: oneOf('CreateTime', 'LogAppendTime'),
    doc: 'CreateTime keeps the producer timestamp; LogAppendTime stamps the broker time.',
  }),
  'log.message.timestamp.before.max.ms': long({
    default: LONG_MAX,
    validator: atLeast(0),
    doc: 'How far a CreateTime timestamp may lie in the past.',
  }),
  'log.message.timestamp.after.max.ms': long({
    default: 3600000,
    validator: atLeast(0),
    doc: 'How far a CreateTime timestamp may lie in the future (Kafka 4.x default: 1 hour).',
  }),

  // --- replication (one node has one replica: accepted, not acted on)
  'min.insync.replicas': int({
    default: 1,
    validator: atLeast(1),
    doc: 'In-sync replicas an acks=-1 produce needs; one node has one.',
    inUse: false,
  }),
  'unclean.leader.election.enable': boolean({
    default: false,
    doc: 'Whether a replica outside the ISR may become leader (one node: no other replica).',
    inUse: false,
  }),
  'transaction.state.log.replication.factor': int({
    default: 3,
    validator: atLeast(1),
    doc: "Replication factor of __transaction_state; one node creates it with 1 (Kafka's sample server.properties sets 1).",
    inUse: false,
  }),
  'transaction.state.log.min.isr': int({
    default: 2,
    validator: atLeast(1),
    doc: 'min.insync.replicas of __transaction_state; one node has one replica.',
    inUse: false,
  }),
} as const
