/**
 * Control records (in batches with the control bit set). Key: int16 version (0), int16 type.
 * For COMMIT/ABORT markers the value is: int16 version (0), int32 coordinator epoch.
 */

export const ControlRecordType = { Abort: 0, Commit: 1 } as const
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType]

export function encodeControlKey(type: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeInt16BE(0, 0)
  b.writeInt16BE(type, 2)
  return b
}

/** The control type from a key, or -1 when the key is too short to be one. */
export function decodeControlType(key: Buffer | null): number {
  return key !== null && key.length >= 4 ? key.readInt16BE(2) : -1
}

export function encodeEndTxnMarker(coordinatorEpoch: number): Buffer {
  const b = Buffer.alloc(6)
  b.writeInt16BE(0, 0)
  b.writeInt32BE(coordinatorEpoch, 2)
  return b
}

/** The coordinator epoch of a COMMIT/ABORT marker value. */
export function decodeEndTxnMarker(value: Buffer): { version: number; coordinatorEpoch: number } {
  if (value.length < 6) throw new RangeError(`end-transaction marker of ${value.length} bytes is too short`)
  return { version: value.readInt16BE(0), coordinatorEpoch: value.readInt32BE(2) }
}
