/**
 * What the coordinator's operations share: config, time, the transactional ids of the loaded
 * __transaction_state partitions, producer ids, writes of state changes and the marker writer.
 */
import type { Logger } from '../../log.js'
import type { TransactionCoordinatorConfig } from './config.js'
import type { MarkerWriter } from './marker-writer.js'
import type { TransactionMetadata, TxnTransit } from './transaction-metadata.js'

/** A transactional id's metadata (undefined: none yet), or why it cannot be looked at here. */
export type TxnLookup = { readonly errorCode: number } | { readonly metadata: TransactionMetadata | undefined }

export interface TxnContext {
  readonly config: TransactionCoordinatorConfig
  readonly now: () => number
  readonly log: Logger
  readonly markers: MarkerWriter
  /** The coordinator epoch markers carry: the __transaction_state partition's leader epoch. */
  readonly coordinatorEpoch: number
  lookup(transactionalId: string): TxnLookup
  /** Adds metadata for a new transactional id unless another request added one meanwhile; returns what is cached. */
  putIfAbsent(metadata: TransactionMetadata): TransactionMetadata
  generateProducerId(): Promise<bigint>
  /**
   * Writes the transit and completes it: Kafka's code (NONE once applied). On failure the pending
   * state is dropped and the error is mapped as Kafka's coordinator maps append errors.
   */
  write(metadata: TransactionMetadata, transit: TxnTransit): Promise<number>
  /** Writes the transit until it is written or the partition is given up (the pending state stays meanwhile). */
  writeUntilDone(metadata: TransactionMetadata, transit: TxnTransit): Promise<boolean>
  sleep(ms: number): Promise<void>
}
