/**
 * Kafka's ConfigDef validators for topic configs, with Kafka's messages. A client creating a
 * topic with a bad value reads Kafka's wording in the INVALID_CONFIG error message:
 *
 *     Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1
 *
 * Each validator returns the text after the colon, or undefined when the value is acceptable,
 * and may name the value the way Kafka prints it (a list as `[a, b]`, one element of a list).
 */

/** What a validator says about a value it refuses. */
export interface Refusal {
  readonly message: string
  /** The value as Kafka's ConfigException prints it, when not the raw text given. */
  readonly shown?: string
}

export type KafkaValidator<T> = (value: T) => Refusal | undefined

/** ConfigException(name, value, message).getMessage(). */
export function invalidValueMessage(key: string, shown: string, message: string): string {
  return `Invalid value ${shown} for configuration ${key}: ${message}`
}

/** ConfigDef.Range.atLeast. */
export const atLeast =
  (min: number): KafkaValidator<number> =>
  (v) =>
    v < min ? { message: `Value must be at least ${min}` } : undefined

/** ConfigDef.Range.between. */
export const between =
  (min: number, max: number): KafkaValidator<number> =>
  (v) =>
    v < min ? { message: `Value must be at least ${min}` } : v > max ? { message: `Value must be no more than ${max}` } : undefined

/** ConfigDef.ValidString.in: case-sensitive, as Kafka's. */
export const oneOf =
  (...allowed: string[]): KafkaValidator<string> =>
  (v) =>
    allowed.includes(v) ? undefined : { message: `String must be one of: ${allowed.join(', ')}` }

/** ConfigDef.ValidList.in: every element one of `allowed`; the message names the first bad element. */
export const eachOneOf =
  (...allowed: string[]): KafkaValidator<readonly string[]> =>
  (list) => {
    const bad = list.find((v) => !allowed.includes(v))
    return bad === undefined ? undefined : { message: `String must be one of: ${allowed.join(', ')}`, shown: bad }
  }

/** GzipCompression's level validator: zlib's 1-9, or -1 for zlib's default. */
export const gzipLevel: KafkaValidator<number> = (v) =>
  v === -1 || (v >= 1 && v <= 9) ? undefined : { message: 'Value must be between 1 and 9 or equal to -1' }

const REPLICA = /^[0-9]+:[0-9]+$/

/** ThrottledReplicaListValidator: `*`, or `partition:broker` pairs. */
export function throttledReplicas(key: string): KafkaValidator<readonly string[]> {
  return (list) => {
    const trimmed = list.map((s) => s.trim())
    const ok = (trimmed.length === 1 && trimmed[0] === '*') || trimmed.every((s) => s === '' || REPLICA.test(s))
    if (ok) return undefined
    return {
      message: `${key} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`,
      shown: `[${list.join(', ')}]`,
    }
  }
}

/** The version strings MetadataVersion.fromVersionString accepts for message.format.version (0.8.0 to 3.x). */
const MESSAGE_FORMAT_VERSION = /^(0\.8\.[0-2]|0\.9\.0|0\.10\.[0-2]|0\.11\.0|[12]\.\d|3\.\d)(-IV\d)?$/

export const metadataVersion: KafkaValidator<string> = (v) =>
  MESSAGE_FORMAT_VERSION.test(v) ? undefined : { message: `Version ${v} is not a valid version` }
