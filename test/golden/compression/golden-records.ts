/**
 * The records every client was asked to produce for the compression fixtures: 200 JSON
 * values of about 400 bytes (80 KB in all), so one batch spans several xerial (32 KiB) and
 * LZ4 (64 KiB) blocks. scripts/capture-compressed.ts sends them; the tests expect them back.
 */

export const GOLDEN_RECORD_COUNT = 200

const WORDS = [
  'broker', 'partition', 'offset', 'leader', 'replica', 'segment', 'index', 'consumer',
  'producer', 'group', 'commit', 'fetch', 'batch', 'record', 'header', 'timestamp',
  'epoch', 'topic', 'cluster', 'metadata', 'retention', 'compaction', 'snapshot', 'fence',
]

export interface GoldenRecord {
  key: string
  value: string
}

export function goldenRecord(client: string, codec: string, seq: number): GoldenRecord {
  const note = Array.from({ length: 40 }, (_, j) => WORDS[(seq * 7 + j * j * 3 + j) % WORDS.length]).join(' ')
  const value = JSON.stringify({
    seq,
    client,
    codec,
    user: `user-${(seq * 7919) % 1000}`,
    amount: ((seq * 37) % 1000) / 10,
    note,
  })
  return { key: `${client}-${codec}-${seq}`, value }
}

export function goldenRecords(client: string, codec: string): GoldenRecord[] {
  return Array.from({ length: GOLDEN_RECORD_COUNT }, (_, seq) => goldenRecord(client, codec, seq))
}
