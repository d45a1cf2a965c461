/**
 * Kafka's DefaultMessageFormatter: optional timestamp, partition, offset, headers and key before
 * the value, joined by key.separator, each record ended by line.separator; nulls print as
 * null.literal. Properties come from --property (print.key=true, key.separator=..., ...).
 */
import { deserializerFor } from './deserializers.js'
import type { Deserialize } from './deserializers.js'
import type { ConsumedRecord } from './fetched-records.js'

export interface FormatterConfig {
  readonly printTimestamp: boolean
  readonly printKey: boolean
  readonly printValue: boolean
  readonly printPartition: boolean
  readonly printOffset: boolean
  readonly printHeaders: boolean
  readonly keySeparator: string
  readonly lineSeparator: string
  readonly headersSeparator: string
  readonly nullLiteral: string
  /** Applied to non-null bytes before printing (key.deserializer, ...); none: bytes as they are. */
  readonly keyDeserializer: Deserialize | undefined
  readonly valueDeserializer: Deserialize | undefined
  readonly headersDeserializer: Deserialize | undefined
}

export function formatterConfig(props: ReadonlyMap<string, string>): FormatterConfig {
  const bool = (k: string, fallback: boolean): boolean => (props.has(k) ? props.get(k)!.trim().toLowerCase() === 'true' : fallback)
  return {
    printTimestamp: bool('print.timestamp', false),
    printKey: bool('print.key', false),
    printValue: bool('print.value', true),
    printPartition: bool('print.partition', false),
    printOffset: bool('print.offset', false),
    printHeaders: bool('print.headers', false),
    keySeparator: props.get('key.separator') ?? '\t',
    lineSeparator: props.get('line.separator') ?? '\n',
    headersSeparator: props.get('headers.separator') ?? ',',
    nullLiteral: props.get('null.literal') ?? 'null',
    keyDeserializer: deserializerOf(props.get('key.deserializer')),
    valueDeserializer: deserializerOf(props.get('value.deserializer')),
    headersDeserializer: deserializerOf(props.get('headers.deserializer')),
  }
}

function deserializerOf(className: string | undefined): Deserialize | undefined {
  return className === undefined ? undefined : deserializerFor(className)
}

/** The bytes DefaultMessageFormatter.writeTo writes for one record. */
export function formatRecord(r: ConsumedRecord, c: FormatterConfig): Buffer {
  const parts: Buffer[] = []
  const text = (s: string): void => void parts.push(Buffer.from(s, 'utf8'))
  const bytes = (b: Buffer | null, deserialize: Deserialize | undefined): void =>
    void parts.push(b === null ? Buffer.from(c.nullLiteral, 'utf8') : deserialize ? deserialize(b) : b)
  const separator = (column: boolean): void => text(column ? c.keySeparator : c.lineSeparator)
  if (c.printTimestamp) {
    text(`${r.timestampType}:${r.timestamp}`)
    separator(c.printPartition || c.printOffset || c.printHeaders || c.printKey || c.printValue)
  }
  if (c.printPartition) {
    text(`Partition:${r.partition}`)
    separator(c.printOffset || c.printHeaders || c.printKey || c.printValue)
  }
  if (c.printOffset) {
    text(`Offset:${r.offset}`)
    separator(c.printHeaders || c.printKey || c.printValue)
  }
  if (c.printHeaders) {
    if (r.headers.length === 0) text('NO_HEADERS')
    r.headers.forEach((h, i) => {
      text(`${h.key}:`)
      bytes(h.value, c.headersDeserializer)
      if (i < r.headers.length - 1) text(c.headersSeparator)
    })
    separator(c.printKey || c.printValue)
  }
  if (c.printKey) {
    bytes(r.key, c.keyDeserializer)
    separator(c.printValue)
  }
  if (c.printValue) {
    bytes(r.value, c.valueDeserializer)
    text(c.lineSeparator)
  }
  return Buffer.concat(parts)
}
