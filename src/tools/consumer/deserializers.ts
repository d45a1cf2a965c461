/**
 * The deserializers DefaultMessageFormatter can apply before printing (key.deserializer,
 * value.deserializer, headers.deserializer): Kafka's common serialization classes whose
 * toString Brook prints the same way. Each turns a record's bytes into the UTF-8 text printed.
 * ByteArrayDeserializer prints the bytes as they are (Kafka prints the array's identity,
 * `[B@1b2c3d`, which carries nothing). Other classes are refused by name.
 */
import { ToolError } from '../client/tool-error.js'

export type Deserialize = (bytes: Buffer) => Buffer

/** Kafka's SerializationException, as the console consumer reports it. */
export class SerializationError extends ToolError {
  override name = 'SerializationError'
}

const PACKAGE = 'org.apache.kafka.common.serialization.'

function fixedSize(name: string, size: number, read: (b: Buffer) => string): Deserialize {
  return (bytes) => {
    if (bytes.length !== size) throw new SerializationError(`Size of data received by ${name} is not ${size}`)
    return Buffer.from(read(bytes), 'utf8')
  }
}

const UUID_TEXT = /^[0-9a-fA-F]{1,8}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,12}$/

const DESERIALIZERS: Readonly<Record<string, Deserialize>> = {
  StringDeserializer: (bytes) => bytes,
  ByteArrayDeserializer: (bytes) => bytes,
  LongDeserializer: fixedSize('LongDeserializer', 8, (b) => b.readBigInt64BE(0).toString()),
  IntegerDeserializer: fixedSize('IntegerDeserializer', 4, (b) => String(b.readInt32BE(0))),
  ShortDeserializer: fixedSize('ShortDeserializer', 2, (b) => String(b.readInt16BE(0))),
  BooleanDeserializer: (bytes) => {
    if (bytes.length !== 1) throw new SerializationError('Size of data received by BooleanDeserializer is not 1')
    if (bytes[0] !== 0 && bytes[0] !== 1) throw new SerializationError('Unexpected byte received by BooleanDeserializer: ' + String(bytes[0]))
    return Buffer.from(bytes[0] === 1 ? 'true' : 'false')
  },
  UUIDDeserializer: (bytes) => {
    const text = bytes.toString('utf8')
    if (!UUID_TEXT.test(text)) throw new SerializationError(`Error parsing data into UUID`)
    return Buffer.from(text.split('-').map((part, i) => part.toLowerCase().padStart([8, 4, 4, 4, 12][i] as number, '0')).join('-'))
  },
}

/** The deserializer named by a class name (with or without Kafka's package); refuses others. */
export function deserializerFor(className: string): Deserialize {
  const short = className.trim().startsWith(PACKAGE) ? className.trim().slice(PACKAGE.length) : className.trim()
  const found = Object.hasOwn(DESERIALIZERS, short) ? DESERIALIZERS[short] : undefined
  if (found === undefined) {
    throw new ToolError(`Deserializer ${className} is not supported: Brook's console consumer knows ${Object.keys(DESERIALIZERS).map((n) => PACKAGE + n).join(', ')}`)
  }
  return found
}
