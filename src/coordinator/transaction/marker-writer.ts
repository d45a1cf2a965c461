/**
 * Writes the COMMIT or ABORT marker of a transaction to each of its partitions, as Kafka's
 * TransactionMarkerChannelManager sends WriteTxnMarkers to each partition's leader (here the
 * leader is this broker, so the marker is appended directly). Retriable failures are retried
 * after a backoff until the write succeeds or the writer is closed; a partition whose topic was
 * deleted is skipped, as Kafka skips partitions with no leader left.
 */
import type { Logger } from '../../log.js'
import { ErrorCode, errorName } from '../../protocol/error-codes.js'
import type { PartitionSet } from './transaction-metadata.js'

export interface TxnMarker {
  readonly producerId: number
  readonly producerEpoch: number
  readonly coordinatorEpoch: number
  readonly commit: boolean
}

export interface MarkerWriterOptions {
  /** Appends the marker to the partition; resolves to Kafka's code (ReplicaManager.writeTxnMarker). */
  readonly write: (topic: string, partition: number, marker: TxnMarker) => Promise<number>
  /** Called after each marker is written (the group coordinator settles transactional offsets). */
  readonly written?: (topic: string, partition: number, marker: TxnMarker) => void
  readonly sleep: (ms: number) => Promise<void>
  readonly retryBackoffMs: number
  readonly log: Logger
}

/** Codes after which a partition's marker is not retried: the partition is gone, or no longer accepts it. */
const SKIP = new Set<number>([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_PRODUCER_EPOCH, ErrorCode.TRANSACTION_COORDINATOR_FENCED, ErrorCode.PRODUCER_FENCED])

export class MarkerWriter {
  readonly #o: MarkerWriterOptions
  #closed = false

  constructor(options: MarkerWriterOptions) {
    this.#o = options
  }

  /** Resolves once every partition has its marker (or was skipped); false if the writer closed first. */
  async writeAll(transactionalId: string, partitions: PartitionSet, marker: TxnMarker): Promise<boolean> {
    const results = await Promise.all([...partitions].map(([topic, partition]) => this.#writeOne(transactionalId, topic, partition, marker)))
    return results.every(Boolean)
  }

  close(): void {
    this.#closed = true
  }

  async #writeOne(transactionalId: string, topic: string, partition: number, marker: TxnMarker): Promise<boolean> {
    for (;;) {
      if (this.#closed) return false
      const code = await this.#o.write(topic, partition, marker)
      if (code === ErrorCode.NONE) {
        this.#o.written?.(topic, partition, marker)
        return true
      }
      if (SKIP.has(code)) {
        this.#o.log.warn({ transactionalId, topic, partition, error: errorName(code) }, 'transaction marker not written; skipping the partition')
        return true
      }
      this.#o.log.debug({ transactionalId, topic, partition, error: errorName(code) }, 'transaction marker write failed; retrying')
      await this.#o.sleep(this.#o.retryBackoffMs)
    }
  }
}
