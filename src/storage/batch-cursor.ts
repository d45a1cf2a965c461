/**
 * Walks the batches of a segment file forward, reading in large chunks so that one system
 * call serves many batch headers. Used by recovery (whole batches, for the CRC) and by
 * offset and timestamp lookups (headers only).
 *
 * With read-ahead (recovery's walk over whole segments), the next chunk, from the end of the
 * current chunk's last whole batch, is read into a second buffer while the caller works on the
 * current one, so that reading and checking overlap instead of taking turns.
 */
import { BATCH, BatchHeader, MAGIC_V2, MIN_BATCH_LENGTH } from '../protocol/records/batch-header.js'
import { readAt } from './file-io.js'

export type CursorStep =
  /** `header` views the cursor's buffer and is re-pointed by the next call. */
  | { kind: 'batch'; header: BatchHeader; position: number; size: number }
  | { kind: 'end' }
  | { kind: 'invalid'; position: number; reason: string }

const END: CursorStep = { kind: 'end' }

export class BatchCursor {
  readonly #fd: number
  readonly #end: number
  #pos: number
  #chunk: Buffer
  #chunkStart = 0
  #chunkLen = 0
  readonly #view: BatchHeader
  /** The read-ahead buffer; null without read-ahead. */
  #spare: Buffer | null
  /** The read in flight into #spare, from file position `start`. */
  #ahead: { start: number; bytes: Promise<number> } | null = null

  /** Batches in [start, end) of the file open as `fd`. */
  constructor(fd: number, start: number, end: number, chunkSize: number, readAhead = false) {
    this.#fd = fd
    this.#pos = start
    this.#end = end
    this.#chunk = Buffer.allocUnsafe(Math.max(chunkSize, BATCH.RECORDS))
    this.#spare = readAhead ? Buffer.allocUnsafe(this.#chunk.length) : null
    this.#view = BatchHeader.view(this.#chunk, 0)
  }

  /** File position of the next batch. */
  get position(): number {
    return this.#pos
  }

  /** The next batch; with `whole`, all of its bytes are in `header.buffer` (else at least its header). */
  async next(whole: boolean): Promise<CursorStep> {
    const p = this.#pos
    const remaining = this.#end - p
    if (remaining <= 0) return END
    if (remaining < BATCH.RECORDS) return this.#invalid(p, `${remaining} bytes at the end cannot hold a batch`)
    if (!(await this.#ensure(p, BATCH.RECORDS))) return this.#invalid(p, 'file shorter than expected')
    const rel = p - this.#chunkStart
    const length = this.#chunk.readInt32BE(rel + BATCH.LENGTH)
    if (length < MIN_BATCH_LENGTH) return this.#invalid(p, `batch length ${length}`)
    const size = length + BATCH.LOG_OVERHEAD
    if (size > remaining) return this.#invalid(p, `batch of ${size} bytes runs past the end (${remaining} left)`)
    if (this.#chunk[rel + BATCH.MAGIC] !== MAGIC_V2) return this.#invalid(p, `magic ${this.#chunk[rel + BATCH.MAGIC]}`)
    if (whole && !(await this.#ensure(p, size))) return this.#invalid(p, 'file shorter than expected')
    this.#pos = p + size
    return { kind: 'batch', header: this.#view.moveTo(this.#chunk, p - this.#chunkStart), position: p, size }
  }

  #invalid(position: number, reason: string): CursorStep {
    return { kind: 'invalid', position, reason }
  }

  /** Makes file bytes [p, p+n) available in the chunk. */
  async #ensure(p: number, n: number): Promise<boolean> {
    if (p >= this.#chunkStart && p + n <= this.#chunkStart + this.#chunkLen) return true
    const ahead = this.#ahead
    this.#ahead = null
    // Awaited even when it does not serve: the read is still writing into #spare.
    const aheadBytes = ahead === null ? 0 : await ahead.bytes
    if (ahead !== null && ahead.start === p && aheadBytes >= n) {
      const spare = this.#spare!
      this.#spare = this.#chunk
      this.#chunk = spare
      this.#chunkStart = p
      this.#chunkLen = aheadBytes
    } else {
      if (n > this.#chunk.length) this.#chunk = Buffer.allocUnsafe(n)
      const len = Math.min(this.#chunk.length, this.#end - p)
      this.#chunkStart = p
      this.#chunkLen = await readAt(this.#fd, this.#chunk, 0, len, p)
    }
    this.#readAhead()
    return this.#chunkLen >= n
  }

  /** Starts reading the chunk after the current one's last whole batch into #spare. */
  #readAhead(): void {
    const spare = this.#spare
    if (spare === null) return
    const chunk = this.#chunk
    let q = 0
    while (q + BATCH.RECORDS <= this.#chunkLen) {
      const length = chunk.readInt32BE(q + BATCH.LENGTH)
      // An invalid length ends the walk here; next() reports it.
      if (length < MIN_BATCH_LENGTH || q + length + BATCH.LOG_OVERHEAD > this.#chunkLen) break
      q += length + BATCH.LOG_OVERHEAD
    }
    const start = this.#chunkStart + q
    if (q === 0 || start >= this.#end) return
    const bytes = readAt(this.#fd, spare, 0, Math.min(spare.length, this.#end - start), start)
    // A walk may stop early and leave this read unawaited: its failure then must not go unhandled.
    bytes.catch(() => {})
    this.#ahead = { start, bytes }
  }
}
