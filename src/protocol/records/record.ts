/**
 * One record inside a v2 batch, encoded as:
 *   varint length (of the rest), int8 attributes (unused, 0), varlong timestampDelta,
 *   varint offsetDelta, varint keyLength (-1 = null), key, varint valueLength (-1 = null), value,
 *   varint headerCount, then per header: varint keyLength, key (UTF-8), varint valueLength, value.
 */

export interface RecordHeader {
  key: string
  value: Buffer | null
}

/** A decoded record; key, value and header values are views into the batch's bytes. */
export interface Record {
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

/** A record to write; offsets and deltas are assigned by the builder. */
export interface RecordInput {
  timestamp: number
  key?: Buffer | null
  value: Buffer | null
  headers?: readonly RecordHeader[]
}
