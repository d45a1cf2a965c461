/**
 * Where the coordinator's records go: partition `partition` of __consumer_offsets. The broker
 * backs it with the partition logs; tests with memory. Appends complete (and their callbacks
 * run) in call order per partition, whatever order the backing log finishes them in.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaError } from '../../protocol/kafka-error.js'
import type { TxnProducer } from '../coordinator-log.js'
import type { GroupLogRecord } from './records.js'

export interface GroupLog {
  /**
   * Resolves once the records are written; rejects (a KafkaError when it has a Kafka code) when
   * they are not. `transactional`: one transactional batch of the producer (TxnOffsetCommit).
   */
  append(partition: number, records: readonly GroupLogRecord[], transactional?: TxnProducer): Promise<void>
}

export class OrderedAppends {
  readonly #log: GroupLog
  readonly #tails = new Map<number, Promise<void>>()

  constructor(log: GroupLog) {
    this.#log = log
  }

  /** Starts the append now and settles after every earlier append to the partition has settled. */
  append(partition: number, records: readonly GroupLogRecord[], transactional?: TxnProducer): Promise<void> {
    const earlier = this.idle(partition)
    const own = this.#start(partition, records, transactional)
    // Handled here so a failure that lands before earlier appends settle is not reported as unhandled.
    own.catch(() => {})
    const done = earlier.then(() => own)
    const tail = done.then(
      () => {},
      () => {},
    )
    this.#tails.set(partition, tail)
    void tail.then(() => {
      if (this.#tails.get(partition) === tail) this.#tails.delete(partition)
    })
    return done
  }

  #start(partition: number, records: readonly GroupLogRecord[], transactional: TxnProducer | undefined): Promise<void> {
    try {
      return transactional ? this.#log.append(partition, records, transactional) : this.#log.append(partition, records)
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /** Settles when everything appended to the partition so far has settled; never rejects. */
  idle(partition: number): Promise<void> {
    return this.#tails.get(partition) ?? Promise.resolve()
  }
}

/** The Kafka code an append failure stands for; a failure without one is a storage error. */
export function appendFailureCode(err: unknown): number {
  return err instanceof KafkaError ? err.code : ErrorCode.KAFKA_STORAGE_ERROR
}

/** How Kafka's coordinator reports a failed group metadata write to the client. */
export function groupWriteErrorCode(appendCode: number): number {
  switch (appendCode) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.UNKNOWN_SERVER_ERROR
    default:
      return appendCode
  }
}

/** The same for offset commits, where a batch too large means the commit itself is too large. */
export function commitWriteErrorCode(appendCode: number): number {
  switch (appendCode) {
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE
    default:
      return groupWriteErrorCode(appendCode)
  }
}
