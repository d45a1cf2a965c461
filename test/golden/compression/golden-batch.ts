/**
 * Reads the golden fixtures: a .hex file holds one v2 record batch as a client sent it.
 * Parses just enough, independently of src/protocol/records, to check the codecs: the
 * 61-byte header's magic, CRC, attributes and record count, then each record's key and value
 * from the decompressed records region (varint length, attributes, varlong timestamp delta,
 * varint offset delta, varint-sized key and value, varint header count, headers).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { crc32c } from '@node-rs/crc32'

export const GOLDEN_DIR = dirname(fileURLToPath(import.meta.url))
const RECORDS_START = 61

export function readHex(name: string): Buffer {
  return Buffer.from(readFileSync(join(GOLDEN_DIR, name), 'utf8').replace(/\s/g, ''), 'hex')
}

export interface GoldenBatch {
  compression: number
  recordCount: number
  crcMatches: boolean
  /** The compressed records region. */
  records: Buffer
}

export function parseBatch(batch: Buffer): GoldenBatch {
  if (batch.length < RECORDS_START || batch.readInt8(16) !== 2) throw new Error('not a v2 record batch')
  if (batch.readInt32BE(8) !== batch.length - 12) throw new Error('batchLength disagrees with the fixture size')
  return {
    compression: batch.readInt16BE(21) & 0x07,
    recordCount: batch.readInt32BE(57),
    crcMatches: crc32c(batch.subarray(21)) === batch.readUInt32BE(17),
    records: batch.subarray(RECORDS_START),
  }
}

function varlong(buf: Buffer, cur: { pos: number }): number {
  let raw = 0n
  for (let shift = 0n; ; shift += 7n) {
    const byte = buf[cur.pos++]
    if (byte === undefined) throw new Error('varint runs past the end')
    raw |= BigInt(byte & 0x7f) << shift
    if ((byte & 0x80) === 0) break
  }
  return Number((raw >> 1n) ^ -(raw & 1n))
}

function bytes(buf: Buffer, cur: { pos: number }): string | null {
  const length = varlong(buf, cur)
  if (length < 0) return null
  cur.pos += length
  return buf.toString('utf8', cur.pos - length, cur.pos)
}

/** Keys and values of the records in a decompressed records region. */
export function readKeyValues(records: Buffer, count: number): { key: string | null; value: string | null }[] {
  const cur = { pos: 0 }
  const out = []
  for (let i = 0; i < count; i++) {
    const end = varlong(records, cur) + cur.pos
    cur.pos += 1
    varlong(records, cur)
    if (varlong(records, cur) !== i) throw new Error(`record ${i} has the wrong offset delta`)
    const key = bytes(records, cur)
    const value = bytes(records, cur)
    for (let h = varlong(records, cur); h > 0; h--) (bytes(records, cur), bytes(records, cur))
    if (cur.pos !== end) throw new Error(`record ${i} length disagrees with its fields`)
    out.push({ key, value })
  }
  if (cur.pos !== records.length) throw new Error('bytes left after the last record')
  return out
}

/** A copy of `batch` holding `records` compressed with `compression`, with length and CRC redone. */
export function withRecords(batch: Buffer, compression: number, records: Buffer): Buffer {
  const out = Buffer.concat([batch.subarray(0, RECORDS_START), records])
  out.writeInt32BE(out.length - 12, 8)
  out.writeInt16BE((out.readInt16BE(21) & ~0x07) | compression, 21)
  out.writeUInt32BE(crc32c(out.subarray(21)), 17)
  return out
}
