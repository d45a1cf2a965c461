/**
 * What a partition remembers of one producer id (Kafka's ProducerStateEntry): its epoch, the
 * sequence ranges and offsets of its last five data batches (a retried batch among them is a
 * duplicate), the epoch of the transaction coordinator that wrote its last marker, the time of
 * its last write (expiry counts from it) and the first offset of its ongoing transaction.
 */

/** Kafka keeps five: the producer's max.in.flight.requests.per.connection limit with idempotence. */
export const NUM_BATCHES_TO_RETAIN = 5
export const NO_PRODUCER_EPOCH = -1
export const NO_SEQUENCE = -1
const INT32_MAX = 2147483647

/** One data batch: its last sequence and offset and how many records it spans (minus one). */
export interface BatchMetadata {
  readonly lastSeq: number
  readonly lastOffset: number
  readonly offsetDelta: number
  readonly timestamp: number
}

/** Sequences wrap from Int32 max to 0 (DefaultRecordBatch.incrementSequence / decrementSequence). */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > INT32_MAX - increment ? increment - (INT32_MAX - sequence) - 1 : sequence + increment
}

export function decrementSequence(sequence: number, decrement: number): number {
  return sequence < decrement ? INT32_MAX - (decrement - sequence) + 1 : sequence - decrement
}

export function firstSeqOf(b: BatchMetadata): number {
  return decrementSequence(b.lastSeq, b.offsetDelta)
}

export function firstOffsetOf(b: BatchMetadata): number {
  return b.lastOffset - b.offsetDelta
}

export class ProducerStateEntry {
  readonly producerId: number
  producerEpoch: number
  coordinatorEpoch: number
  lastTimestamp: number
  /** First offset of the producer's ongoing transaction on this partition, -1 when none. */
  currentTxnFirstOffset: number
  /** Oldest first, at most NUM_BATCHES_TO_RETAIN. */
  batches: BatchMetadata[]

  constructor(producerId: number, producerEpoch = NO_PRODUCER_EPOCH, coordinatorEpoch = -1, lastTimestamp = -1, currentTxnFirstOffset = -1, batches: BatchMetadata[] = []) {
    this.producerId = producerId
    this.producerEpoch = producerEpoch
    this.coordinatorEpoch = coordinatorEpoch
    this.lastTimestamp = lastTimestamp
    this.currentTxnFirstOffset = currentTxnFirstOffset
    this.batches = batches
  }

  clone(): ProducerStateEntry {
    return new ProducerStateEntry(this.producerId, this.producerEpoch, this.coordinatorEpoch, this.lastTimestamp, this.currentTxnFirstOffset, [...this.batches])
  }

  get isEmpty(): boolean {
    return this.batches.length === 0
  }
  get lastSeq(): number {
    return this.batches.at(-1)?.lastSeq ?? NO_SEQUENCE
  }
  get firstSeq(): number {
    const first = this.batches[0]
    return first === undefined ? NO_SEQUENCE : firstSeqOf(first)
  }
  get lastDataOffset(): number {
    return this.batches.at(-1)?.lastOffset ?? -1
  }
  get lastOffsetDelta(): number {
    return this.batches.at(-1)?.offsetDelta ?? 0
  }

  /** A new epoch forgets the old epoch's batches. */
  maybeUpdateProducerEpoch(epoch: number): void {
    if (this.producerEpoch === epoch) return
    this.batches = []
    this.producerEpoch = epoch
  }

  addBatch(epoch: number, lastSeq: number, lastOffset: number, offsetDelta: number, timestamp: number): void {
    this.maybeUpdateProducerEpoch(epoch)
    if (this.batches.length === NUM_BATCHES_TO_RETAIN) this.batches.shift()
    this.batches.push({ lastSeq, lastOffset, offsetDelta, timestamp })
    this.lastTimestamp = timestamp
  }

  /** The retained batch of this epoch with exactly this sequence range: a retry of it. */
  findDuplicate(epoch: number, firstSeq: number, lastSeq: number): BatchMetadata | undefined {
    if (epoch !== this.producerEpoch) return undefined
    return this.batches.find((b) => b.lastSeq === lastSeq && firstSeqOf(b) === firstSeq)
  }
}
