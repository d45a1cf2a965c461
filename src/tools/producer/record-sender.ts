/**
 * The console producer's sending half: records gather per partition into v2 batches, which go
 * out when they reach batch.size, when linger.ms passes, or on flush. Keyed records use
 * Kafka's murmur2 partitioner; unkeyed ones stick to one partition per batch, as Kafka's
 * default partitioner does. Retriable errors are retried until delivery.timeout.ms; others are
 * reported per record. An idempotent sender gets a producer id from InitProducerId and numbers
 * each partition's batches with sequences; batches of one partition go out one at a time, so a
 * retried batch keeps its place and its sequence, and the broker drops a duplicate.
 */
import { InitProducerId } from '../../protocol/generated/init-producer-id.js'
import { Produce } from '../../protocol/generated/produce.js'
import { ErrorCode, errorName, isRetriable } from '../../protocol/error-codes.js'
import type { CompressionType } from '../../protocol/records/attributes.js'
import { buildBatch } from '../../protocol/records/batch-builder.js'
import { compressSync } from '../../protocol/records/compression/index.js'
import type { RecordInput } from '../../protocol/records/record.js'
import type { ToolClient } from '../client/tool-client.js'
import { defaultMessage, ToolError } from '../client/tool-error.js'
import { partitionForKey } from './murmur2.js'

export interface SenderConfig {
  readonly topic: string
  readonly acks: number
  readonly requestTimeoutMs: number
  readonly lingerMs: number
  readonly batchSize: number
  readonly compression: CompressionType
  readonly retries: number
  readonly retryBackoffMs: number
  readonly maxBlockMs: number
  readonly deliveryTimeoutMs: number
  readonly idempotent: boolean
}

/** Sequences are int32 and wrap to 0, as Kafka's DefaultRecordBatch.incrementSequence. */
const MAX_SEQUENCE = 2147483647

/** Idempotent producers are never expired by a transaction timeout. */
const NO_TRANSACTION_TIMEOUT = 2147483647

interface Pending {
  records: RecordInput[]
  bytes: number
  timer: NodeJS.Timeout | undefined
}

export class RecordSender {
  readonly #client: ToolClient
  readonly #config: SenderConfig
  readonly #report: (line: string) => void
  readonly #pending = new Map<number, Pending>()
  readonly #inFlight = new Set<Promise<void>>()
  /** The last send of each partition, which the next one waits for. */
  readonly #tails = new Map<number, Promise<void>>()
  readonly #sequences = new Map<number, number>()
  #leaders = new Map<number, number>()
  #stickyPartition = -1
  #producerId = -1n
  #producerEpoch = -1
  failures = 0

  constructor(client: ToolClient, config: SenderConfig, report: (line: string) => void) {
    this.#client = client
    this.#config = config
    this.#report = report
  }

  /** Gets a producer id when idempotent, then waits for the topic's partitions to have leaders. */
  async init(): Promise<void> {
    if (this.#config.idempotent) await this.#initProducerId()
    await this.#refreshLeaders()
  }

  get producerId(): bigint {
    return this.#producerId
  }

  async #initProducerId(): Promise<void> {
    const deadline = Date.now() + this.#config.maxBlockMs
    for (;;) {
      const response = await this.#client.send(InitProducerId, {
        transactionalId: null,
        transactionTimeoutMs: NO_TRANSACTION_TIMEOUT,
        producerId: -1n,
        producerEpoch: -1,
      })
      if (response.errorCode === ErrorCode.NONE) {
        this.#producerId = response.producerId
        this.#producerEpoch = response.producerEpoch
        return
      }
      if (!isRetriable(response.errorCode) || Date.now() >= deadline) {
        throw new ToolError(`${errorName(response.errorCode)}: ${defaultMessage(response.errorCode)}`)
      }
      await sleep(this.#config.retryBackoffMs)
    }
  }

  /** Waits for the topic's partitions to have leaders (creating it when the broker auto-creates). */
  async #refreshLeaders(): Promise<void> {
    const deadline = Date.now() + this.#config.maxBlockMs
    for (;;) {
      const md = await this.#client.metadata([this.#config.topic], true)
      const t = md.topics[0]
      if (t && t.errorCode === ErrorCode.NONE && t.partitions.length > 0 && t.partitions.every((p) => p.leaderId >= 0)) {
        this.#leaders = new Map(t.partitions.map((p) => [p.partitionIndex, p.leaderId]))
        return
      }
      if (t && t.errorCode !== ErrorCode.NONE && !isRetriable(t.errorCode)) {
        throw new ToolError(`${errorName(t.errorCode)}: ${defaultMessage(t.errorCode)}`)
      }
      if (Date.now() >= deadline) throw new ToolError(`Topic ${this.#config.topic} not present in metadata after ${this.#config.maxBlockMs} ms.`)
      await sleep(Math.min(this.#config.retryBackoffMs, Math.max(1, deadline - Date.now())))
    }
  }

  /** Adds one record; resolves when it is queued (or sent, with `sync`). */
  async send(record: RecordInput, sync: boolean): Promise<void> {
    const partition = this.#partitionFor(record.key ?? null)
    let batch = this.#pending.get(partition)
    if (batch === undefined) {
      batch = { records: [], bytes: 0, timer: undefined }
      this.#pending.set(partition, batch)
    }
    batch.records.push(record)
    batch.bytes += (record.key?.length ?? 0) + (record.value?.length ?? 0) + 16
    if (sync || batch.bytes >= this.#config.batchSize) await this.#drain(partition)
    else batch.timer ??= setTimeout(() => void this.#drain(partition), this.#config.lingerMs)
  }

  /** Sends everything queued and waits for every answer. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending.keys()].map((p) => this.#drain(p)))
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight])
  }

  #partitionFor(key: Buffer | null): number {
    const count = this.#leaders.size
    if (key !== null) return partitionForKey(key, count)
    if (this.#stickyPartition < 0) this.#stickyPartition = Math.floor(Math.random() * count)
    return this.#stickyPartition
  }

  async #drain(partition: number): Promise<void> {
    const batch = this.#pending.get(partition)
    if (batch === undefined || batch.records.length === 0) return
    clearTimeout(batch.timer)
    this.#pending.delete(partition)
    if (partition === this.#stickyPartition) this.#stickyPartition = -1
    const baseSequence = this.#nextSequence(partition, batch.records.length)
    const previous = this.#tails.get(partition) ?? Promise.resolve()
    const sending = previous.then(() => this.#produce(partition, batch.records, baseSequence))
    this.#tails.set(partition, sending)
    this.#inFlight.add(sending)
    try {
      await sending
    } finally {
      this.#inFlight.delete(sending)
    }
  }

  /** The batch's base sequence (-1 when not idempotent); advances the partition's next one. */
  #nextSequence(partition: number, count: number): number {
    if (!this.#config.idempotent) return -1
    const base = this.#sequences.get(partition) ?? 0
    this.#sequences.set(partition, (base + count) % (MAX_SEQUENCE + 1))
    return base
  }

  async #produce(partition: number, records: RecordInput[], baseSequence: number): Promise<void> {
    const { topic, compression } = this.#config
    const bytes = buildBatch(records, {
      compression,
      compress: (type, data) => compressSync(type, data),
      producerId: Number(this.#producerId),
      producerEpoch: this.#producerEpoch,
      baseSequence,
    })
    const request = {
      transactionalId: null,
      acks: this.#config.acks,
      timeoutMs: this.#config.requestTimeoutMs,
      topicData: [{ name: topic, partitionData: [{ index: partition, records: bytes }] }],
    }
    const target = { nodeId: this.#leaders.get(partition) ?? -1, maxVersion: 11 }
    if (this.#config.acks === 0) return this.#client.post(Produce, request, target)
    const deadline = Date.now() + this.#config.deliveryTimeoutMs
    for (let attempt = 0; ; attempt++) {
      const response = await this.#client.send(Produce, request, target)
      const result = response.responses[0]?.partitionResponses[0]
      const code = result?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR
      // A duplicate is a batch the broker already holds: an earlier attempt got through.
      if (code === ErrorCode.NONE || code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) return
      if (isRetriable(code) && attempt < this.#config.retries && Date.now() + this.#config.retryBackoffMs < deadline) {
        await sleep(this.#config.retryBackoffMs)
        await this.#refreshLeaders()
        target.nodeId = this.#leaders.get(partition) ?? -1
        continue
      }
      const message = result?.errorMessage || defaultMessage(code)
      for (const r of records) {
        this.failures++
        this.#report(
          `ERROR Error when sending message to topic ${topic} with key: ${r.key ? `${r.key.length} bytes` : 'null'}, ` +
            `value: ${r.value ? `${r.value.length} bytes` : 'null'} with error: ${errorName(code)}: ${message}`,
        )
      }
      return
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
