/**
 * Client properties for the tools: a `--command-config` / `--producer.config` /
 * `--consumer.config` file (Java properties syntax) with the command line's `k=v` pairs on top,
 * as Kafka's tools merge them. Each tool names the keys it applies. Of the rest:
 * - `security.protocol` other than PLAINTEXT is refused: the tools speak PLAINTEXT only, and a
 *   tool that silently dropped TLS or SASL would connect to the wrong listener or leak secrets;
 * - keys that change what a Java client does and that Brook cannot do (custom classes,
 *   transactions, other assignors, the KIP-848 protocol) are refused with one line;
 * - tuning of the JVM client's sockets, buffers, reconnects and metrics is accepted: it cannot
 *   change what is produced, consumed or printed (INERT below, listed in the README);
 * - anything else gets the warning Kafka's clients log for configs they do not use.
 */
import { readFile } from 'node:fs/promises'
import { parseProperties } from '../../config/properties.js'
import { log4jLine } from './log4j.js'
import { ToolError } from './tool-error.js'

export type ClientKind = 'producer' | 'consumer' | 'admin'

/** The Java config class whose logger reports unused keys, by client kind. */
const CONFIG_CLASS: Readonly<Record<ClientKind, string>> = {
  producer: 'org.apache.kafka.clients.producer.ProducerConfig',
  consumer: 'org.apache.kafka.clients.consumer.ConsumerConfig',
  admin: 'org.apache.kafka.clients.admin.AdminClientConfig',
}

/** Keys every tool applies. */
const COMMON = ['bootstrap.servers', 'client.id', 'security.protocol']

const INERT = new Set([
  'send.buffer.bytes',
  'receive.buffer.bytes',
  'buffer.memory',
  'connections.max.idle.ms',
  'reconnect.backoff.ms',
  'reconnect.backoff.max.ms',
  'retry.backoff.max.ms',
  'socket.connection.setup.timeout.ms',
  'socket.connection.setup.timeout.max.ms',
  'metadata.max.age.ms',
  'metadata.max.idle.ms',
  'client.dns.lookup',
  'client.rack',
  'max.in.flight.requests.per.connection',
  'check.crcs',
  'auto.include.jmx.reporter',
  'enable.metrics.push',
  'metrics.num.samples',
  'metrics.recording.level',
  'metrics.sample.window.ms',
])

/** The only serializer / deserializer classes a config file may name: the tools move raw bytes. */
const BYTE_ARRAY_CLASSES: Readonly<Record<string, string>> = {
  'key.serializer': 'org.apache.kafka.common.serialization.ByteArraySerializer',
  'value.serializer': 'org.apache.kafka.common.serialization.ByteArraySerializer',
  'key.deserializer': 'org.apache.kafka.common.serialization.ByteArrayDeserializer',
  'value.deserializer': 'org.apache.kafka.common.serialization.ByteArrayDeserializer',
}

/** Keys whose non-empty value asks for something Brook's tools do not do. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  'partitioner.class': 'custom partitioners are Java classes',
  'interceptor.classes': 'interceptors are Java classes',
  'metric.reporters': 'metric reporters are Java classes',
  'transactional.id': 'the console tools do not run transactions',
}

const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']

/** Reads a properties file; a missing or unreadable file is one clear line. */
export async function readPropertiesFile(path: string): Promise<Map<string, string>> {
  try {
    return parseProperties(await readFile(path, 'utf8'))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new ToolError(code === 'ENOENT' ? `java.nio.file.NoSuchFileException: ${path}` : `Cannot read properties file ${path}: ${(err as Error).message}`)
  }
}

/**
 * The file's properties (if any) overlaid by `overrides`, checked as described above; unused
 * keys are reported on `warn` (stderr) in log4j's layout.
 */
export async function clientProps(
  kind: ClientKind,
  file: string | undefined,
  overrides: ReadonlyMap<string, string>,
  applied: readonly string[],
  warn: (line: string) => void,
): Promise<Map<string, string>> {
  const props = file === undefined ? new Map<string, string>() : await readPropertiesFile(file)
  for (const [k, v] of overrides) props.set(k, v)
  checkClientProps(kind, props, applied, warn)
  return props
}

export function checkClientProps(kind: ClientKind, props: ReadonlyMap<string, string>, applied: readonly string[], warn: (line: string) => void): void {
  const protocol = (props.get('security.protocol') ?? 'PLAINTEXT').trim().toUpperCase()
  if (!PROTOCOLS.includes(protocol)) {
    throw new ToolError(`Invalid value ${props.get('security.protocol')} for configuration security.protocol: String must be one of: ${PROTOCOLS.join(', ')}`)
  }
  if (protocol !== 'PLAINTEXT') throw new ToolError(`security.protocol=${protocol} is not supported: Brook's tools connect with PLAINTEXT only`)
  const used = new Set([...COMMON, ...applied])
  const unused: string[] = []
  for (const [key, value] of props) {
    if (used.has(key) || INERT.has(key)) continue
    const reason = UNSUPPORTED[key]
    if (reason !== undefined && value.trim() !== '') throw new ToolError(`${key}=${value} is not supported: ${reason}`)
    const byteArray = BYTE_ARRAY_CLASSES[key]
    if (byteArray !== undefined) {
      if (value.trim() !== byteArray) throw new ToolError(`${key}=${value} is not supported: the tools read and write raw bytes (${byteArray})`)
      continue
    }
    unused.push(key)
  }
  if (unused.length > 0) warn(log4jLine('WARN', `These configurations '[${unused.join(', ')}]' were supplied but are not used yet.`, CONFIG_CLASS[kind]))
}

/** An integer setting, with Kafka's message for a value that is not one. */
export function intProp(props: ReadonlyMap<string, string>, key: string, fallback: number): number {
  const raw = props.get(key)
  if (raw === undefined) return fallback
  if (!/^[+-]?\d+$/.test(raw.trim())) throw new ToolError(`Invalid value ${raw} for configuration ${key}: Not a number of type INT`)
  return Number(raw.trim())
}

/** A boolean setting, with Kafka's message for a value that is not one. */
export function boolProp(props: ReadonlyMap<string, string>, key: string, fallback: boolean): boolean {
  const raw = props.get(key)
  if (raw === undefined) return fallback
  const v = raw.trim().toLowerCase()
  if (v !== 'true' && v !== 'false') throw new ToolError(`Invalid value ${raw} for configuration ${key}: Expected value to be either true or false`)
  return v === 'true'
}

export interface AdminSettings {
  readonly clientId: string
  readonly requestTimeoutMs: number
}

/** An admin tool's client.id and request.timeout.ms from its `--command-config` file, checked as above. */
export async function adminSettings(file: string | undefined, fallbackClientId: string, warn: (line: string) => void): Promise<AdminSettings> {
  const props = await clientProps('admin', file, new Map(), ['request.timeout.ms'], warn)
  const requestTimeoutMs = intProp(props, 'request.timeout.ms', 30000)
  if (requestTimeoutMs < 1) throw new ToolError(`Invalid value ${requestTimeoutMs} for configuration request.timeout.ms: Value must be at least 1`)
  return { clientId: props.get('client.id') ?? fallbackClientId, requestTimeoutMs }
}
