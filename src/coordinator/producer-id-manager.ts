/**
 * Producer ids, handed out in blocks as Kafka's controller allocates them (ProducerIdsBlock, 1000
 * ids a block, the first block starting at 0). Before any id of a block is given out the start of
 * the *next* block is on disk, so a restart, even after kill -9, never hands out an id twice: at
 * worst the unused rest of a block is skipped. Kafka keeps this as a ProducerIdsRecord in the
 * metadata log; Brook keeps one file in the metadata log dir, replaced atomically:
 *
 *     producer-ids.json   { "version": 1, "nextBlockStart": "2000" }
 *
 * (a decimal string: ids are int64). The next block is reserved in the background once 90% of the
 * current one is used, as Kafka's broker prefetches, so allocation rarely waits for a write.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../cluster/atomic-file.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { KafkaError } from '../protocol/kafka-error.js'

export const PRODUCER_IDS_FILE = 'producer-ids.json'
export const PRODUCER_ID_BLOCK_SIZE = 1000
const FORMAT_VERSION = 1
const INT64_MAX = 2n ** 63n - 1n
/** Share of a block used before the next one is reserved. */
const PREFETCH_RATIO = 0.9

export interface ProducerIdManagerOptions {
  readonly blockSize?: number
  /** Called when reserving a block fails (allocations then answer COORDINATOR_LOAD_IN_PROGRESS). */
  readonly onError?: (err: unknown) => void
}

interface Block {
  next: bigint
  readonly end: bigint
}

export class ProducerIdManager {
  readonly #path: string
  readonly #blockSize: bigint
  readonly #onError: (err: unknown) => void
  /** The first id of the block to reserve next; everything below it may have been handed out. */
  #nextBlockStart: bigint
  #current: Block | undefined
  #reserved: Block | undefined
  #reserving: Promise<void> | undefined

  private constructor(path: string, nextBlockStart: bigint, options: ProducerIdManagerOptions) {
    this.#path = path
    this.#nextBlockStart = nextBlockStart
    this.#blockSize = BigInt(options.blockSize ?? PRODUCER_ID_BLOCK_SIZE)
    this.#onError = options.onError ?? (() => {})
  }

  /** Reads the file in `dir` (none yet: the first block starts at 0). */
  static async open(dir: string, options: ProducerIdManagerOptions = {}): Promise<ProducerIdManager> {
    const path = join(dir, PRODUCER_IDS_FILE)
    return new ProducerIdManager(path, await readNextBlockStart(path), options)
  }

  /** A producer id no one has had. Rejects with COORDINATOR_LOAD_IN_PROGRESS (retriable) if no block can be reserved. */
  async generate(): Promise<bigint> {
    for (;;) {
      const block = this.#current
      if (block && block.next < block.end) {
        const id = block.next++
        if (!this.#reserved && block.end - block.next <= this.#prefetchAt()) this.#reserve().catch(() => {})
        return id
      }
      if (this.#reserved) {
        this.#current = this.#reserved
        this.#reserved = undefined
        continue
      }
      await this.#reserve()
    }
  }

  #prefetchAt(): bigint {
    return this.#blockSize - (this.#blockSize * BigInt(Math.round(PREFETCH_RATIO * 100))) / 100n
  }

  /** Writes the next block's end to disk, then holds the block in reserve; one write at a time. */
  #reserve(): Promise<void> {
    this.#reserving ??= (async () => {
      try {
        const start = this.#nextBlockStart
        const end = start + this.#blockSize
        if (end > INT64_MAX) throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'producer ids are exhausted')
        await writeFileAtomic(this.#path, `${JSON.stringify({ version: FORMAT_VERSION, nextBlockStart: end.toString() })}\n`)
        this.#nextBlockStart = end
        this.#reserved = { next: start, end }
      } catch (err) {
        this.#onError(err)
        if (err instanceof KafkaError) throw err
        throw new KafkaError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, `reserving producer ids failed: ${String(err)}`)
      } finally {
        this.#reserving = undefined
      }
    })()
    return this.#reserving
  }
}

async function readNextBlockStart(path: string): Promise<bigint> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0n
    throw err
  }
  const doc = JSON.parse(text) as { version?: unknown; nextBlockStart?: unknown }
  if (doc.version !== FORMAT_VERSION || typeof doc.nextBlockStart !== 'string' || !/^\d+$/.test(doc.nextBlockStart)) {
    throw new Error(`${path} is not a producer id file this broker can read`)
  }
  return BigInt(doc.nextBlockStart)
}
