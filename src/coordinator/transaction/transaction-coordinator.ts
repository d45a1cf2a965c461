/**
 * Kafka's transaction coordinator for the __transaction_state partitions this broker leads (all
 * of them). Handlers call the methods below. Every transactional id lives on partition
 * `partitionForTransactionalId`; while that partition is replayed requests get
 * COORDINATOR_LOAD_IN_PROGRESS, and NOT_COORDINATOR when it is not loaded here. A null
 * transactional id (an idempotent producer) only needs a fresh producer id.
 */
import type { Logger } from '../../log.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaError } from '../../protocol/kafka-error.js'
import type { TransactionState as DescribedTransaction } from '../../protocol/generated/describe-transactions.js'
import type { ListTransactionsResponse } from '../../protocol/generated/list-transactions.js'
import type { TransactionVerifier } from '../../replica/transaction-verifier.js'
import type { Clock, Scheduler } from '../../storage/clock.js'
import { appendFailureCode, groupWriteErrorCode } from '../group/group-log.js'
import type { ProducerIdManager } from '../producer-id-manager.js'
import { addPartitions, verifyPartitions } from './add-partitions.js'
import type { AddPartitionsCall } from './add-partitions.js'
import { DEFAULT_TRANSACTION_COORDINATOR_CONFIG } from './config.js'
import type { TransactionCoordinatorConfig } from './config.js'
import type { TxnContext, TxnLookup } from './context.js'
import { endTransaction, startCompletion } from './end-transaction.js'
import type { EndTxnCall } from './end-transaction.js'
import { abortTimedOutTransactions, removeExpiredTransactionalIds } from './expiration.js'
import { initFailed, initTransactionalProducer } from './init-producer.js'
import type { InitProducerIdResult, ProducerIdAndEpoch } from './init-producer.js'
import { MarkerWriter } from './marker-writer.js'
import type { TxnMarker } from './marker-writer.js'
import { IllegalTransitionError, TransactionMetadata } from './transaction-metadata.js'
import type { TxnTransit } from './transaction-metadata.js'
import { decodeTxnRecord, partitionForTransactionalId, txnRecord } from './transaction-log.js'
import type { TxnLogRecord } from './transaction-log.js'
import { TxnState } from './transaction-state.js'

export type { InitProducerIdResult, ProducerIdAndEpoch } from './init-producer.js'

/** Where state changes go: partition `partition` of __transaction_state. */
export interface TxnLog {
  append(partition: number, record: TxnLogRecord): Promise<void>
}

export interface TransactionCoordinatorOptions {
  readonly config?: Partial<TransactionCoordinatorConfig>
  readonly clock: Clock
  readonly scheduler: Scheduler
  readonly log: Logger
  readonly producerIds: ProducerIdManager
  readonly txnLog: TxnLog
  /** Appends a COMMIT/ABORT marker (ReplicaManager.writeTxnMarker). */
  readonly writeMarker: (topic: string, partition: number, marker: TxnMarker) => Promise<number>
  /** Called once a marker is written (the group coordinator settles transactional offsets). */
  readonly markerWritten?: (topic: string, partition: number, marker: TxnMarker) => void
  /** The first transaction lookup creates and loads __transaction_state (as Kafka does). */
  readonly activate?: () => Promise<void>
  readonly coordinatorEpoch?: number
}

export class TransactionCoordinator implements TransactionVerifier {
  readonly config: TransactionCoordinatorConfig
  readonly #ctx: TxnContext
  readonly #log: Logger
  readonly #clock: Clock
  readonly #txnLog: TxnLog
  readonly #producerIds: ProducerIdManager
  readonly #markers: MarkerWriter
  readonly #partitions = new Map<number, 'loading' | 'loaded'>()
  readonly #txns = new Map<string, TransactionMetadata>()
  readonly #stopTimers: (() => void)[]
  readonly #activate: () => Promise<void>
  #activation: Promise<void> | undefined

  constructor(options: TransactionCoordinatorOptions) {
    const config = { ...DEFAULT_TRANSACTION_COORDINATOR_CONFIG, ...options.config }
    this.config = config
    this.#log = options.log
    this.#clock = options.clock
    this.#txnLog = options.txnLog
    this.#producerIds = options.producerIds
    this.#activate = options.activate ?? (() => Promise.resolve())
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => options.scheduler.after(ms, resolve))
    this.#markers = new MarkerWriter({
      write: options.writeMarker,
      ...(options.markerWritten ? { written: options.markerWritten } : {}),
      sleep,
      retryBackoffMs: config.retryBackoffMs,
      log: options.log,
    })
    this.#ctx = {
      config,
      now: () => options.clock.now(),
      log: options.log,
      markers: this.#markers,
      coordinatorEpoch: options.coordinatorEpoch ?? 0,
      lookup: (id) => this.#lookup(id),
      putIfAbsent: (metadata) => {
        const existing = this.#txns.get(metadata.transactionalId)
        if (existing) return existing
        this.#txns.set(metadata.transactionalId, metadata)
        return metadata
      },
      generateProducerId: () => this.#producerIds.generate(),
      write: (metadata, transit) => this.#write(metadata, transit),
      writeUntilDone: (metadata, transit) => this.#writeUntilDone(metadata, transit),
      sleep,
    }
    this.#stopTimers = [
      options.scheduler.every(config.abortTimedOutIntervalMs, () => this.abortTimedOutTransactions()),
      options.scheduler.every(config.removeExpiredIntervalMs, () => this.removeExpiredTransactionalIds()),
    ]
  }

  /** The __transaction_state partition that holds the transactional id. */
  partitionFor(transactionalId: string): number {
    return partitionForTransactionalId(transactionalId, this.config.stateTopicPartitions)
  }

  /** Resolves once __transaction_state exists and its loads have started (FindCoordinator waits for it). Retried after a failure. */
  ready(): Promise<void> {
    this.#activation ??= this.#activate().catch((err: unknown) => {
      this.#activation = undefined
      throw err
    })
    return this.#activation
  }

  ownsPartition(partition: number): boolean {
    return this.#partitions.has(partition)
  }

  /**
   * Takes over a partition: its records are replayed (the last record of an id is its state, a
   * tombstone removes it); transactions a crash left in PrepareCommit / PrepareAbort get their
   * markers written and are completed.
   */
  async loadPartition(partition: number, records: Iterable<TxnLogRecord> | AsyncIterable<TxnLogRecord>): Promise<void> {
    if (this.#partitions.has(partition)) throw new Error(`__transaction_state-${partition} is already loaded`)
    this.#partitions.set(partition, 'loading')
    const loaded = new Map<string, TransactionMetadata>()
    try {
      for await (const record of records) {
        const { transactionalId, metadata } = decodeTxnRecord(record)
        if (metadata) loaded.set(transactionalId, metadata)
        else loaded.delete(transactionalId)
      }
    } catch (err) {
      this.#partitions.delete(partition)
      throw err
    }
    for (const [id, metadata] of loaded) this.#txns.set(id, metadata)
    this.#partitions.set(partition, 'loaded')
    const prepared = [...loaded.values()].filter((t) => t.state === TxnState.PrepareCommit || t.state === TxnState.PrepareAbort)
    this.#log.info({ partition, transactionalIds: loaded.size, completing: prepared.length }, 'loaded transaction metadata')
    for (const txn of prepared) startCompletion(this.#ctx, txn)
  }

  /** Stops the timers and marker retries and drops every partition. */
  close(): void {
    for (const stop of this.#stopTimers) stop()
    this.#markers.close()
    this.#txns.clear()
    this.#partitions.clear()
  }

  async initProducerId(transactionalId: string | null, timeoutMs: number, expected: ProducerIdAndEpoch | undefined): Promise<InitProducerIdResult> {
    try {
      // Kafka accepts any producer id and epoch here: an idempotent producer always starts over.
      if (transactionalId === null) return { errorCode: ErrorCode.NONE, producerId: await this.#producerIds.generate(), producerEpoch: 0 }
      return await initTransactionalProducer(this.#ctx, transactionalId, timeoutMs, expected)
    } catch (err) {
      if (err instanceof KafkaError) return initFailed(err.code)
      return initFailed(this.#illegal(err, transactionalId ?? ''))
    }
  }

  addPartitions(call: AddPartitionsCall): Promise<number> {
    return addPartitions(this.#ctx, call).catch((err: unknown) => this.#illegal(err, call.transactionalId))
  }

  verifyPartitions(call: AddPartitionsCall): number[] {
    return verifyPartitions(this.#ctx, call)
  }

  endTransaction(call: Omit<EndTxnCall, 'fromClient'>): Promise<number> {
    return endTransaction(this.#ctx, { ...call, fromClient: true }).catch((err: unknown) => this.#illegal(err, call.transactionalId))
  }

  /** A state Kafka's coordinator treats as impossible (IllegalStateException): UNKNOWN_SERVER_ERROR, logged. */
  #illegal(err: unknown, transactionalId: string): number {
    if (!(err instanceof IllegalTransitionError)) throw err
    this.#log.error({ err, transactionalId }, 'illegal transaction state transition')
    return ErrorCode.UNKNOWN_SERVER_ERROR
  }

  /**
   * KIP-890 part 1 for Produce and TxnOffsetCommit: is the partition in this producer's ongoing
   * transaction? Answers as Kafka's AddPartitionsToTxnManager and ReplicaManager turn the
   * coordinator's verdict into the request's error: a stale epoch is INVALID_PRODUCER_EPOCH
   * (which producers handle) at every version, a partition missing from the transaction is
   * TRANSACTION_ABORTABLE for versions that know it and INVALID_TXN_STATE for older ones, and a
   * coordinator that cannot say yet (loading, or the transaction ending) is NOT_ENOUGH_REPLICAS,
   * which producers retry.
   */
  verify(transactionalId: string, producerId: number, producerEpoch: number, topic: string, partition: number, abortableSupported = false): number {
    const [code] = verifyPartitions(this.#ctx, { transactionalId, producerId: BigInt(producerId), producerEpoch, partitions: [[topic, partition]] })
    switch (code) {
      case ErrorCode.PRODUCER_FENCED:
        return ErrorCode.INVALID_PRODUCER_EPOCH
      case ErrorCode.TRANSACTION_ABORTABLE:
        return abortableSupported ? ErrorCode.TRANSACTION_ABORTABLE : ErrorCode.INVALID_TXN_STATE
      case ErrorCode.CONCURRENT_TRANSACTIONS:
      case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
      case ErrorCode.NOT_COORDINATOR:
        return ErrorCode.NOT_ENOUGH_REPLICAS
      default:
        return code ?? ErrorCode.UNKNOWN_SERVER_ERROR
    }
  }

  describe(transactionalId: string): DescribedTransaction {
    const none = { transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] }
    if (transactionalId === '') return { ...none, errorCode: ErrorCode.INVALID_REQUEST }
    const found = this.#lookup(transactionalId)
    if ('errorCode' in found) return { ...none, errorCode: found.errorCode }
    const txn = found.metadata
    if (!txn || txn.state === TxnState.Dead) return { ...none, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND }
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: txn.state,
      transactionTimeoutMs: txn.timeoutMs,
      transactionStartTimeMs: BigInt(txn.startTimestamp),
      producerId: txn.producerId,
      producerEpoch: txn.producerEpoch,
      topics: txn.partitions.byTopic(),
    }
  }

  /** ListTransactions: every id but Dead ones, filtered by state names, producer ids and (v1) running longer than `minDurationMs`. */
  list(stateFilters: readonly string[], producerIdFilters: readonly bigint[], minDurationMs: number): ListTransactionsResponse {
    const response: ListTransactionsResponse = { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters: [], transactionStates: [] }
    if ([...this.#partitions.values()].includes('loading')) return { ...response, errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS }
    const known = new Set<string>(Object.values(TxnState))
    const states = new Set(stateFilters.filter((s) => known.has(s)))
    response.unknownStateFilters = stateFilters.filter((s) => !known.has(s))
    const producerIds = new Set(producerIdFilters)
    const now = this.#clock.now()
    for (const txn of this.#txns.values()) {
      if (txn.state === TxnState.Dead) continue
      if (producerIds.size > 0 && !producerIds.has(txn.producerId)) continue
      if (stateFilters.length > 0 && !states.has(txn.state)) continue
      if (minDurationMs >= 0 && now - txn.startTimestamp <= minDurationMs) continue
      response.transactionStates.push({ transactionalId: txn.transactionalId, producerId: txn.producerId, transactionState: txn.state })
    }
    return response
  }

  /** Aborts transactions open longer than their timeout, bumping the epoch (runs every transaction.abort.timed.out.transaction.cleanup.interval.ms). */
  abortTimedOutTransactions(): Promise<void> {
    return abortTimedOutTransactions(this.#ctx, this.#loadedTxns())
  }

  /** Removes idle transactional ids after transactional.id.expiration.ms (runs every transaction.remove.expired.transaction.cleanup.interval.ms). */
  removeExpiredTransactionalIds(): Promise<void> {
    return removeExpiredTransactionalIds(this.#ctx, this.#loadedTxns())
  }

  #loadedTxns(): TransactionMetadata[] {
    return [...this.#txns.values()].filter((t) => this.#partitions.get(this.partitionFor(t.transactionalId)) === 'loaded')
  }

  #lookup(transactionalId: string): TxnLookup {
    const state = this.#partitions.get(this.partitionFor(transactionalId))
    if (state === 'loading') return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS }
    if (state === undefined) return { errorCode: ErrorCode.NOT_COORDINATOR }
    return { metadata: this.#txns.get(transactionalId) }
  }

  async #append(metadata: TransactionMetadata, transit: TxnTransit): Promise<number> {
    try {
      await this.#txnLog.append(this.partitionFor(metadata.transactionalId), txnRecord(metadata.transactionalId, transit))
      return ErrorCode.NONE
    } catch (err) {
      this.#log.warn({ err, transactionalId: metadata.transactionalId, state: transit.state }, 'writing transaction state failed')
      return groupWriteErrorCode(appendFailureCode(err))
    }
  }

  /** Applies a written transit, unless the id was dropped meanwhile (partition unloaded, coordinator closed). */
  #apply(metadata: TransactionMetadata, transit: TxnTransit): boolean {
    if (this.#txns.get(metadata.transactionalId) !== metadata) return false
    metadata.completeTransition(transit)
    if (transit.state === TxnState.Dead) this.#txns.delete(metadata.transactionalId)
    return true
  }

  async #write(metadata: TransactionMetadata, transit: TxnTransit): Promise<number> {
    const code = await this.#append(metadata, transit)
    if (code !== ErrorCode.NONE) {
      metadata.abandonTransition()
      return code
    }
    return this.#apply(metadata, transit) ? ErrorCode.NONE : ErrorCode.NOT_COORDINATOR
  }

  async #writeUntilDone(metadata: TransactionMetadata, transit: TxnTransit): Promise<boolean> {
    for (;;) {
      if (this.#txns.get(metadata.transactionalId) !== metadata) return false
      if ((await this.#append(metadata, transit)) === ErrorCode.NONE) return this.#apply(metadata, transit)
      await this.#ctx.sleep(this.config.retryBackoffMs)
    }
  }
}
