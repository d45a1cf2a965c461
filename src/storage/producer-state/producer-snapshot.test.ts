import { readFile, writeFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/storage/helpers.js'
import { TXN_ENTRY_SIZE, TransactionIndex, decodeTxnIndex, encodeAbortedTxn } from '../transaction-index.js'
import { CorruptSnapshotError, decodeSnapshot, encodeSnapshot, listSnapshots, readSnapshotFile, snapshotPath, writeSnapshotFile } from './producer-snapshot.js'
import { ProducerStateEntry } from './producer-state-entry.js'

describe('producer snapshot files', () => {
  it("round-trips Kafka's v1 layout: 46 bytes per producer, the last batch kept", async () => {
    const a = new ProducerStateEntry(2 ** 40 + 3, 7, 4, 1_700_000_000_123, 55, [
      { lastSeq: 9, lastOffset: 50, offsetDelta: 4, timestamp: 1 },
      { lastSeq: 19, lastOffset: 60, offsetDelta: 9, timestamp: 1_700_000_000_123 },
    ])
    const b = new ProducerStateEntry(9, 0, -1, 5, -1, [])
    const buf = encodeSnapshot([a, b])
    expect(buf.length).toBe(10 + 2 * 46)
    expect(buf.readInt16BE(0)).toBe(1)
    expect(buf.readInt32BE(6)).toBe(2)
    const [ra, rb] = decodeSnapshot(buf)
    expect(ra).toMatchObject({ producerId: 2 ** 40 + 3, producerEpoch: 7, coordinatorEpoch: 4, lastTimestamp: 1_700_000_000_123, currentTxnFirstOffset: 55 })
    expect(ra!.batches).toEqual([{ lastSeq: 19, lastOffset: 60, offsetDelta: 9, timestamp: 1_700_000_000_123 }])
    expect(rb).toMatchObject({ producerId: 9, producerEpoch: 0, lastSeq: -1, lastDataOffset: -1, currentTxnFirstOffset: -1 })

    const dir = await tempDir()
    await writeSnapshotFile(dir, 120, buf)
    expect(snapshotPath(dir, 120)).toMatch(/00000000000000000120\.snapshot$/)
    expect(await listSnapshots(dir)).toEqual([120])
    expect((await readSnapshotFile(dir, 120)).map((e) => e.producerId)).toEqual([2 ** 40 + 3, 9])
  })

  it('refuses a flipped byte (CRC), an unknown version and a truncated file', async () => {
    const buf = encodeSnapshot([new ProducerStateEntry(1, 0, 0, 0, -1, [{ lastSeq: 0, lastOffset: 0, offsetDelta: 0, timestamp: 0 }])])
    const flipped = Buffer.from(buf)
    flipped[20]! ^= 1
    expect(() => decodeSnapshot(flipped)).toThrow(CorruptSnapshotError)
    const v2 = Buffer.from(buf)
    v2.writeInt16BE(2, 0)
    expect(() => decodeSnapshot(v2)).toThrow(/version 2/)
    expect(() => decodeSnapshot(buf.subarray(0, buf.length - 1))).toThrow(CorruptSnapshotError)
  })
})

describe('transaction index', () => {
  const t = (producerId: number, firstOffset: number, lastOffset: number, lastStableOffset: number) => ({ producerId, firstOffset, lastOffset, lastStableOffset })

  it("writes Kafka's 34-byte entries and reads them back, dropping a torn tail", async () => {
    const dir = await tempDir()
    const path = `${dir}/00000000000000000000.txnindex`
    const idx = new TransactionIndex(() => path)
    await idx.append(t(1, 0, 5, 6))
    await idx.append(t(2, 3, 9, 10))
    const file = await readFile(path)
    expect(file.length).toBe(2 * TXN_ENTRY_SIZE)
    expect(file.subarray(0, TXN_ENTRY_SIZE)).toEqual(encodeAbortedTxn(t(1, 0, 5, 6)))
    expect(decodeTxnIndex(Buffer.concat([file, file.subarray(0, 10)]))).toEqual([t(1, 0, 5, 6), t(2, 3, 9, 10)])
    expect(await new TransactionIndex(() => path).entries()).toEqual([t(1, 0, 5, 6), t(2, 3, 9, 10)])
  })

  it('collects the aborts overlapping a range and says when later segments cannot add any', async () => {
    const dir = await tempDir()
    const path = `${dir}/x.txnindex`
    await writeFile(path, Buffer.concat([encodeAbortedTxn(t(1, 0, 5, 3)), encodeAbortedTxn(t(2, 3, 9, 10)), encodeAbortedTxn(t(3, 12, 15, 16))]))
    const idx = new TransactionIndex(() => path)
    expect(await idx.collect(6, 12)).toEqual({ aborted: [t(2, 3, 9, 10)], complete: true })
    expect(await idx.collect(6, 20)).toEqual({ aborted: [t(2, 3, 9, 10), t(3, 12, 15, 16)], complete: false })
    expect(await idx.collect(0, 4)).toEqual({ aborted: [t(1, 0, 5, 3), t(2, 3, 9, 10)], complete: true })
    await idx.truncateTo(9)
    expect(await idx.entries()).toEqual([t(1, 0, 5, 3)])
    expect((await readFile(path)).length).toBe(TXN_ENTRY_SIZE)
  })
})
