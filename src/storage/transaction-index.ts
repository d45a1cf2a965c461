/**
 * A segment's aborted transactions, `<20-digit base offset>.txnindex` (Kafka's TransactionIndex).
 * One 34-byte entry per transaction aborted by a marker in the segment, big-endian:
 *
 *   int16 version (0), int64 producerId, int64 firstOffset, int64 lastOffset (the marker),
 *   int64 lastStableOffset (the partition's LSO once the abort completed)
 *
 * read_committed fetches collect the entries overlapping what they return, so the consumer can
 * drop the aborted records. The file is created by the first abort; entries are kept in memory
 * once read (aborts are rare and small) and appended to the file in order.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises'
import { readInt64, writeInt64 } from '../protocol/records/batch-header.js'
import { isNotFound } from './file-io.js'
import type { AbortedTxn } from './producer-state/producer-state-manager.js'

export const TXN_INDEX_SUFFIX = '.txnindex'
export const TXN_ENTRY_SIZE = 34
const VERSION = 0

export function encodeAbortedTxn(t: AbortedTxn, buf = Buffer.alloc(TXN_ENTRY_SIZE), pos = 0): Buffer {
  buf.writeInt16BE(VERSION, pos)
  writeInt64(buf, pos + 2, t.producerId)
  writeInt64(buf, pos + 10, t.firstOffset)
  writeInt64(buf, pos + 18, t.lastOffset)
  writeInt64(buf, pos + 26, t.lastStableOffset)
  return buf
}

/** The entries of a .txnindex file; a torn last entry (a crash mid-append) is dropped. */
export function decodeTxnIndex(buf: Buffer): AbortedTxn[] {
  const entries: AbortedTxn[] = []
  for (let p = 0; p + TXN_ENTRY_SIZE <= buf.length; p += TXN_ENTRY_SIZE) {
    const version = buf.readInt16BE(p)
    if (version !== VERSION) throw new Error(`transaction index entry of unknown version ${version}`)
    entries.push({ producerId: readInt64(buf, p + 2), firstOffset: readInt64(buf, p + 10), lastOffset: readInt64(buf, p + 18), lastStableOffset: readInt64(buf, p + 26) })
  }
  return entries
}

export interface TxnIndexSearch {
  aborted: AbortedTxn[]
  /** An entry's LSO reached the upper bound: later segments hold nothing more for this range. */
  complete: boolean
}

export class TransactionIndex {
  readonly #path: () => string
  #entries: AbortedTxn[] | null = null
  #loading: Promise<AbortedTxn[]> | null = null
  #writes: Promise<void> = Promise.resolve()

  /** `path` is asked at each write: the segment's files are renamed when it is retired. */
  constructor(path: () => string) {
    this.#path = path
  }

  /** The entries, read from the file the first time. */
  async entries(): Promise<readonly AbortedTxn[]> {
    if (this.#entries !== null) return this.#entries
    this.#loading ??= this.#load()
    return this.#loading
  }

  async #load(): Promise<AbortedTxn[]> {
    let buf: Buffer
    try {
      buf = await readFile(this.#path())
    } catch (err) {
      if (!isNotFound(err)) throw err
      buf = Buffer.alloc(0)
    }
    // An append may have come while reading: it is in memory already if so.
    this.#entries ??= decodeTxnIndex(buf)
    return this.#entries
  }

  /** Adds an entry; it is visible to readers at once and reaches the file in order. */
  append(txn: AbortedTxn): Promise<void> {
    const known = this.#entries
    if (known !== null) known.push(txn)
    else {
      // Not read yet: read first, so the in-memory list holds what the file held before this entry.
      const loaded = this.entries().then((e) => void (e as AbortedTxn[]).push(txn))
      this.#writes = this.#writes.then(() => loaded)
    }
    const bytes = encodeAbortedTxn(txn)
    const write = this.#writes.then(() => appendFile(this.#path(), bytes))
    this.#writes = write.catch(() => {})
    return write
  }

  /** Keeps the entries whose marker is below `offset` (recovery truncates and rebuilds the rest). */
  async truncateTo(offset: number): Promise<void> {
    const entries = await this.entries()
    const kept = entries.filter((e) => e.lastOffset < offset)
    if (kept.length === entries.length) return
    this.#entries = kept
    const buf = Buffer.alloc(kept.length * TXN_ENTRY_SIZE)
    kept.forEach((e, i) => encodeAbortedTxn(e, buf, i * TXN_ENTRY_SIZE))
    const write = this.#writes.then(() => writeFile(this.#path(), buf))
    this.#writes = write.catch(() => {})
    await write
  }

  /** Kafka's collectAbortedTxns: entries overlapping [fetchOffset, upperBoundOffset). */
  async collect(fetchOffset: number, upperBoundOffset: number): Promise<TxnIndexSearch> {
    const aborted: AbortedTxn[] = []
    for (const e of await this.entries()) {
      if (e.lastOffset >= fetchOffset && e.firstOffset < upperBoundOffset) aborted.push(e)
      if (e.lastStableOffset >= upperBoundOffset) return { aborted, complete: true }
    }
    return { aborted, complete: false }
  }

  /** Resolves once every append so far reached the file. */
  flushed(): Promise<void> {
    return this.#writes
  }
}
