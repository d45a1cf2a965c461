/**
 * RecordBatch attributes (int16): bits 0-2 compression type, bit 3 timestamp type,
 * bit 4 transactional, bit 5 control, bit 6 delete horizon set (baseTimestamp holds it).
 */

export const CompressionType = { None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 } as const
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType]

export const TimestampType = { CreateTime: 0, LogAppendTime: 1 } as const
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType]

export const COMPRESSION_MASK = 0x07
export const TIMESTAMP_TYPE_BIT = 0x08
export const TRANSACTIONAL_BIT = 0x10
export const CONTROL_BIT = 0x20
export const DELETE_HORIZON_BIT = 0x40

export interface BatchAttributes {
  compression?: CompressionType
  timestampType?: TimestampType
  transactional?: boolean
  control?: boolean
}

export function encodeAttributes(a: BatchAttributes): number {
  return (
    (a.compression ?? 0) |
    (a.timestampType === TimestampType.LogAppendTime ? TIMESTAMP_TYPE_BIT : 0) |
    (a.transactional ? TRANSACTIONAL_BIT : 0) |
    (a.control ? CONTROL_BIT : 0)
  )
}
