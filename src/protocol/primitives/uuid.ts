/**
 * Kafka uuids (topic ids, directory ids, ...) are kept in Kafka's string form, as
 * `Uuid.toString()` prints them: the 16 bytes in base64url without padding (22 chars).
 */
import { randomBytes } from 'node:crypto'

/** All zero bits: "no id" in Kafka's protocol (Uuid.ZERO_UUID). */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

/** Reserved for the __cluster_metadata topic (Uuid.ONE_UUID). */
export const ONE_UUID = 'AAAAAAAAAAAAAAAAAAAAAQ'

export function uuidFromBytes(buf: Buffer, offset = 0): string {
  if (offset < 0 || offset + 16 > buf.length) throw new RangeError('uuid needs 16 bytes')
  return buf.toString('base64url', offset, offset + 16)
}

export function uuidToBytes(uuid: string): Buffer {
  const buf = Buffer.from(uuid, 'base64url')
  if (uuid.length !== 22 || buf.length !== 16 || buf.toString('base64url') !== uuid) {
    throw new RangeError(`invalid uuid: ${JSON.stringify(uuid)}`)
  }
  return buf
}

export function isUuid(s: string): boolean {
  return s.length === 22 && /^[A-Za-z0-9_-]+$/.test(s) && Buffer.from(s, 'base64url').toString('base64url') === s
}

/**
 * A random version-4 uuid, as Kafka's Uuid.randomUuid(): ids whose string form starts with
 * '-' are avoided (they look like command-line flags), as are the reserved zero and one ids.
 */
export function randomUuid(): string {
  for (;;) {
    const bytes = randomBytes(16)
    bytes[6] = (bytes[6]! & 0x0f) | 0x40
    bytes[8] = (bytes[8]! & 0x3f) | 0x80
    const id = bytes.toString('base64url')
    if (!id.startsWith('-') && id !== ZERO_UUID && id !== ONE_UUID) return id
  }
}
