/**
 * The console producer's settings, merged as ConsoleProducer merges them: the
 * `--producer.config` file, then `--producer-property` pairs, then the dedicated options
 * (`--request-required-acks`, `--timeout`, ...), each later source winning. Idempotence follows
 * KafkaProducer (3.0+): on by default, turned off by `enable.idempotence=false`, and off when
 * acks is not `all` or retries is 0 unless it was asked for explicitly, which is then an error.
 */
import { CompressionType } from '../../protocol/records/attributes.js'
import { boolProp, checkClientProps, intProp, readPropertiesFile } from '../client/client-config.js'
import { ToolError } from '../client/tool-error.js'
import { parseKeyValues } from '../tool-args.js'
import type { ParsedArgs } from '../tool-args.js'
import type { SenderConfig } from './record-sender.js'

/** Producer keys the console producer applies. */
const APPLIED = [
  'acks',
  'compression.type',
  'linger.ms',
  'batch.size',
  'retries',
  'retry.backoff.ms',
  'request.timeout.ms',
  'max.block.ms',
  'enable.idempotence',
  'delivery.timeout.ms',
]

/**
 * Option → producer key and the option's default, as ConsoleProducer's maybeMergeOptions calls:
 * a given option wins; an absent one fills in its default only when no property set the key.
 */
const OPTION_KEYS: readonly (readonly [string, string, string | undefined])[] = [
  ['request-required-acks', 'acks', '-1'],
  ['timeout', 'linger.ms', '1000'],
  ['request-timeout-ms', 'request.timeout.ms', '1500'],
  ['message-send-max-retries', 'retries', '3'],
  ['retry-backoff-ms', 'retry.backoff.ms', '100'],
  ['socket-buffer-size', 'send.buffer.bytes', '102400'],
  ['max-memory-bytes', 'buffer.memory', '33554432'],
  ['batch-size', 'batch.size', '16384'],
  ['max-partition-memory-bytes', 'batch.size', undefined],
  ['metadata-expiry-ms', 'metadata.max.age.ms', '300000'],
  ['max-block-ms', 'max.block.ms', '60000'],
]

const CODECS: Readonly<Record<string, CompressionType>> = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
}

export interface ProducerSetup {
  readonly clientId: string
  readonly sender: SenderConfig
}

export async function producerSetup(topic: string, args: ParsedArgs, warn: (line: string) => void): Promise<ProducerSetup> {
  const file = args.value('producer.config')
  const props = file === undefined ? new Map<string, string>() : await readPropertiesFile(file)
  for (const [k, v] of parseKeyValues([...args.values('producer-property'), ...args.values('command-property')])) props.set(k, v)
  for (const [option, key, fallback] of OPTION_KEYS) {
    const value = args.value(option) ?? (props.has(key) ? undefined : fallback)
    if (value !== undefined) props.set(key, value)
  }
  if (args.has('compression-codec')) props.set('compression.type', args.value('compression-codec') || 'gzip')
  checkClientProps('producer', props, APPLIED, warn)

  const acksText = (props.get('acks') ?? 'all').trim()
  const acks = acksText.toLowerCase() === 'all' ? -1 : Number(acksText)
  if (!/^-?\d+$/.test(acksText) && acksText.toLowerCase() !== 'all') throw new ToolError(`Invalid value ${acksText} for configuration acks: String must be one of: all, -1, 0, 1`)
  if (![-1, 0, 1].includes(acks)) throw new ToolError(`Invalid value ${acksText} for configuration acks: String must be one of: all, -1, 0, 1`)
  const codecName = (props.get('compression.type') ?? 'none').trim().toLowerCase()
  const compression = CODECS[codecName]
  if (compression === undefined) throw new ToolError(`Invalid value ${codecName} for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd`)
  const retries = intProp(props, 'retries', 3)
  const requestTimeoutMs = intProp(props, 'request.timeout.ms', 1500)
  if (requestTimeoutMs <= 0) throw new ToolError(`Invalid value ${requestTimeoutMs} for configuration request.timeout.ms: Value must be at least 1`)

  const explicit = props.has('enable.idempotence')
  let idempotent = boolProp(props, 'enable.idempotence', true)
  if (idempotent && (acks !== -1 || retries === 0)) {
    if (explicit) {
      throw new ToolError(
        acks !== -1
          ? 'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.'
          : 'Must set retries to non-zero when using the idempotent producer.',
      )
    }
    idempotent = false
  }
  return {
    clientId: props.get('client.id') ?? 'console-producer',
    sender: {
      topic,
      acks,
      requestTimeoutMs,
      lingerMs: intProp(props, 'linger.ms', 1000),
      batchSize: intProp(props, 'batch.size', 16384),
      compression,
      retries,
      retryBackoffMs: intProp(props, 'retry.backoff.ms', 100),
      maxBlockMs: intProp(props, 'max.block.ms', 60000),
      deliveryTimeoutMs: intProp(props, 'delivery.timeout.ms', 120000),
      idempotent,
    },
  }
}
