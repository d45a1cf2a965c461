/**
 * Append and sequential-read throughput of PartitionLog next to plain fs.write / fs.read loops
 * moving the same bytes in the same run. The two alternate in rounds (who goes first swaps), so
 * that neighbours' load falls on both alike, and every round starts with the machine's dirty pages
 * written back, so that none pays for the writeback of the one before. Reads run twice: into a new
 * buffer per read on both sides (where V8's collections of those buffers weigh most), and with
 * buffers reused (Brook's through the pool Fetch reads into, the plain loop's one buffer).
 */
import * as fs from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { BatchHeader } from '../../src/protocol/records/batch-header.js'
import { LogManager } from '../../src/storage/log-manager.js'
import { SendBufferPool } from '../../src/network/send-buffer-pool.js'
import type { PartitionLog } from '../../src/storage/partition-log.js'
import { MiB, batchPool, throughputRow, timed, withTempDir, writeBackDirtyPages, type Row } from './common.js'

const write = promisify(fs.write)
const read = promisify(fs.read)
const open = promisify(fs.open)
const close = promisify(fs.close)
const ROUNDS = 8
/**
 * The many-partition row's rounds last ~40 ms each, where one scheduling hiccup on either side
 * shows: with 8 of them its ratio spread over 78-95% between runs of the same code. Three times
 * as many rounds (of the same size) narrow that.
 */
const MANY_ROUNDS = 3 * ROUNDS

/** A plain file written with one fs.write per batch, one at a time. */
class PlainWriter {
  #pos = 0
  private constructor(readonly fd: number) {}
  static async open(path: string): Promise<PlainWriter> {
    return new PlainWriter(await open(path, 'w'))
  }
  async write(pool: Buffer[], count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const b = pool[i % pool.length]!
      await write(this.fd, b, 0, b.length, this.#pos)
      this.#pos += b.length
    }
  }
}

/** Appends `count` batches to `log`, `window` at a time. */
async function appendAll(log: PartitionLog, pool: Buffer[], count: number, window: number): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) await log.append(pool[i % pool.length]!)
  }
  await Promise.all(Array.from({ length: window }, worker))
}

/**
 * Total time of `ours` and of `plain`, run alternately in `rounds` rounds, after one untimed round
 * of each: the first round of a new shape of work (a hundred logs at once) pays for compiling
 * its code paths and first touches, ~70 ms of a ~40 ms round in the 100-partition case.
 */
async function alternate(ours: () => Promise<void>, plain: () => Promise<void>, rounds = ROUNDS): Promise<[number, number]> {
  await ours()
  await plain()
  let o = 0
  let p = 0
  const measured = (fn: () => Promise<void>): Promise<number> => {
    writeBackDirtyPages()
    return timed(fn)
  }
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      o += await measured(ours)
      p += await measured(plain)
    } else {
      p += await measured(plain)
      o += await measured(ours)
    }
  }
  return [o, p]
}

/**
 * Reads `path` in the ranges the log's reads took, one after another: the same bytes from the
 * same file positions. (Where a read starts within a page matters on this VM: a copy whose source
 * and destination share their offset within a page runs 5x slower.) Each read gets a buffer of
 * the size asked, `chunk`, as the log's reads do; `reuse`: one buffer for all.
 */
async function plainReadAll(path: string, chunk: number, lengths: readonly number[], reuse: boolean): Promise<number> {
  const fd = await open(path, 'r')
  const one = reuse ? Buffer.allocUnsafe(chunk) : undefined
  let pos = 0
  for (const length of lengths) {
    const buf = one ?? Buffer.allocUnsafe(chunk)
    const { bytesRead } = await read(fd, buf, 0, length, pos)
    if (bytesRead !== length) throw new Error(`plain read ${bytesRead} of ${length} bytes at ${pos}`)
    pos += bytesRead
  }
  await close(fd)
  return pos
}

/**
 * Reads the whole log as a consumer catching up does, `chunk` bytes per fetch, and returns the
 * length of each read. With `buffers`, each read's buffer goes back once its batches are walked,
 * as Fetch's go back once sent.
 */
async function logReadAll(log: PartitionLog, chunk: number, buffers?: SendBufferPool): Promise<number[]> {
  const lengths: number[] = []
  const h = BatchHeader.view(Buffer.alloc(0), 0)
  for (let offset = 0; offset < log.logEndOffset; ) {
    const { records } = await log.read(offset, chunk, { buffers })
    lengths.push(records.length)
    for (let pos = 0; pos < records.length; pos = h.end) offset = h.moveTo(records, pos).nextOffset
    buffers?.give(records)
  }
  return lengths
}

export async function benchAppendAndRead(totalMiB: number, partitions: number): Promise<Row[]> {
  const pool = batchPool(64)
  const batchBytes = pool[0]!.length
  const perRound = Math.floor((totalMiB * MiB) / batchBytes / ROUNDS)
  const bytes = perRound * ROUNDS * batchBytes
  return withTempDir(async (dir) => {
    const rows: Row[] = []
    const logDir = join(dir, 'logs')
    const plainDir = join(dir, 'plain')
    fs.mkdirSync(logDir)
    fs.mkdirSync(plainDir)
    const m = await LogManager.open({ logDirs: [logDir] })

    const one = await m.createLog('one', 0, { topicId: null })
    const plainOne = await PlainWriter.open(join(plainDir, 'one'))
    const [o1, p1] = await alternate(() => appendAll(one, pool, perRound, 1), () => plainOne.write(pool, perRound))
    rows.push(throughputRow(`append, 1 partition, 1 in flight (${totalMiB} MiB)`, bytes, o1, p1))

    const piped = await m.createLog('piped', 0, { topicId: null })
    const plainPiped = await PlainWriter.open(join(plainDir, 'piped'))
    const [o16, p16] = await alternate(() => appendAll(piped, pool, perRound, 16), () => plainPiped.write(pool, perRound))
    rows.push(throughputRow('append, 1 partition, 16 in flight', bytes, o16, p16))

    const lengths = await logReadAll(one, MiB)
    // The appends' rounds and the untimed one before them.
    const held = lengths.reduce((a, b) => a + b, 0)
    if (held !== perRound * (ROUNDS + 1) * batchBytes) throw new Error(`the log holds ${held} bytes, expected ${perRound * (ROUNDS + 1) * batchBytes}`)
    const buffers = new SendBufferPool()
    for (const reuse of [false, true]) {
      const [oursRead, plainRead] = await alternate(
        async () => void (await logReadAll(one, MiB, reuse ? buffers : undefined)),
        async () => void (await plainReadAll(join(plainDir, 'one'), MiB, lengths, reuse)),
      )
      const name = reuse ? 'sequential read, 1 MiB fetches, buffers reused (as Fetch)' : 'sequential read, 1 MiB fetches, new buffers'
      rows.push(throughputRow(name, held * ROUNDS, oursRead, plainRead))
    }

    // Many partitions: each partition's appends in order, all partitions at once; the same for plain files.
    const per = Math.max(1, Math.floor(perRound / partitions))
    const logs = await Promise.all(Array.from({ length: partitions }, (_, p) => m.createLog('many', p, { topicId: null })))
    const files = await Promise.all(Array.from({ length: partitions }, (_, p) => PlainWriter.open(join(plainDir, `many-${p}`))))
    // Each partition appends its own buffer: append stamps offsets in place, so two in flight must not share one.
    const own = batchPool(partitions).map((b) => [b])
    const [om, pm] = await alternate(
      () => Promise.all(logs.map((l, p) => appendAll(l, own[p]!, per, 1))).then(() => {}),
      () => Promise.all(files.map((f, p) => f.write(own[p]!, per))).then(() => {}),
      MANY_ROUNDS,
    )
    rows.push(throughputRow(`append, ${partitions} partitions`, per * partitions * MANY_ROUNDS * batchBytes, om, pm))
    await Promise.all(files.map((f) => close(f.fd)))
    await close(plainOne.fd)
    await close(plainPiped.fd)
    await m.close()
    return rows
  })
}
