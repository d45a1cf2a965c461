/** A compacted log on a manual clock for the cleaner's tests, with keyed appends and a whole-log reader. */
import { buildBatch, type BatchOptions } from '../../src/protocol/records/batch-builder.js'
import { BatchHeader } from '../../src/protocol/records/batch-header.js'
import { decompressSync } from '../../src/protocol/records/compression/index.js'
import { ControlRecordType, decodeControlType, encodeControlKey, encodeEndTxnMarker } from '../../src/protocol/records/control-record.js'
import { readRecords } from '../../src/protocol/records/record-reader.js'
import { validateBatch } from '../../src/protocol/records/validate-batch.js'
import { compressSync } from '../../src/protocol/records/compression/index.js'
import type { LogCleanerConfig } from '../../src/storage/cleaner/log-cleaner.js'
import { ManualClock } from '../../src/storage/clock.js'
import { logConfig, type LogConfig } from '../../src/storage/log-config.js'
import { LogManager } from '../../src/storage/log-manager.js'
import type { PartitionLog } from '../../src/storage/partition-log.js'
import type { AppendOptions } from '../../src/storage/partition-log-types.js'
import { tempDir } from './helpers.js'

export interface KeyedRecord {
  key: string | null
  /** null: a tombstone. */
  value: string | null
  timestamp?: number
}

export interface ReadBatch {
  baseOffset: number
  lastOffset: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  control: boolean
  transactional: boolean
  deleteHorizon: number
  records: Array<{ offset: number; timestamp: number; key: string | null; value: string | null }>
}

export interface CleanerFixture {
  dir: string
  clock: ManualClock
  manager: LogManager
  log: PartitionLog
  config: LogConfig
  reopen(): Promise<void>
}

export const TOPIC = 'compacted'

export async function compactedLog(overrides: Partial<LogConfig> = {}, cleaner: Partial<LogCleanerConfig> = {}): Promise<CleanerFixture> {
  const dir = await tempDir('brook-cleaner-')
  const clock = new ManualClock()
  const config = logConfig({ cleanupPolicy: ['compact'], segmentBytes: 2048, indexIntervalBytes: 256, minCleanableDirtyRatio: 0.01, fileDeleteDelayMs: 0, ...overrides })
  const open = (): Promise<LogManager> => LogManager.open({ logDirs: [dir], clock, scheduler: clock, configFor: () => config, cleaner: { enable: false, ...cleaner }, producerIdExpirationMs: 60_000 })
  const fx: CleanerFixture = { dir, clock, config, manager: await open(), log: undefined as unknown as PartitionLog, reopen: async () => {} }
  fx.log = await fx.manager.createLog(TOPIC, 0, { topicId: null })
  fx.reopen = async () => {
    await fx.manager.close()
    fx.manager = await open()
    fx.log = fx.manager.getLog(TOPIC, 0)!
  }
  return fx
}

const buf = (s: string | null): Buffer | null => (s === null ? null : Buffer.from(s))

/** Appends one batch of keyed records; returns its base offset. */
export async function appendKeyed(fx: CleanerFixture, records: readonly KeyedRecord[], opts: BatchOptions = {}, append: AppendOptions = {}): Promise<number> {
  const now = fx.clock.now()
  const batch = buildBatch(records.map((r) => ({ timestamp: r.timestamp ?? now, key: buf(r.key), value: buf(r.value) })), { ...opts, compress: compressSync })
  return (await fx.log.append(batch, append)).baseOffset
}

/** Appends a COMMIT or ABORT marker for `producerId`. */
export async function appendMarker(fx: CleanerFixture, producerId: number, producerEpoch: number, commit: boolean): Promise<number> {
  const batch = buildBatch([{ timestamp: fx.clock.now(), key: encodeControlKey(commit ? ControlRecordType.Commit : ControlRecordType.Abort), value: encodeEndTxnMarker(0) }], {
    producerId, producerEpoch, baseSequence: -1, transactional: true, control: true,
  })
  return (await fx.log.append(batch)).baseOffset
}

/** Every batch of the log from its start, empty ones included, each checked whole and CRC-valid. */
export async function readAll(log: PartitionLog): Promise<ReadBatch[]> {
  const out: ReadBatch[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const res = await log.read(offset, 1 << 20)
    if (res.records.length === 0) break
    for (let pos = 0; pos < res.records.length; ) {
      const check = validateBatch(res.records, pos, { denseOffsets: false })
      if (!check.ok) throw new Error(`invalid batch at ${pos}: ${check.message}`)
      const h: BatchHeader = check.header
      const region = res.records.subarray(h.recordsStart, h.end)
      const recs = h.recordCount === 0 ? [] : [...readRecords(h, h.compression === 0 ? undefined : decompressSync(h.compression, region))]
      out.push({
        baseOffset: h.baseOffset, lastOffset: h.lastOffset, producerId: h.producerId, producerEpoch: h.producerEpoch, baseSequence: h.baseSequence,
        control: h.isControl, transactional: h.isTransactional, deleteHorizon: h.hasDeleteHorizon ? h.baseTimestamp : -1,
        records: recs.map((r) => ({
          offset: r.offset, timestamp: r.timestamp,
          key: h.isControl ? String(decodeControlType(r.key)) : r.key === null ? null : r.key.toString(),
          value: h.isControl || r.value === null ? null : r.value.toString(),
        })),
      })
      pos += check.size
      offset = h.nextOffset
    }
  }
  return out
}

export function recordsOf(batches: readonly ReadBatch[]): ReadBatch['records'] {
  return batches.flatMap((b) => (b.control ? [] : b.records))
}
