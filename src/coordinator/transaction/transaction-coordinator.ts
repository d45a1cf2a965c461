/**
 * Kafka's transaction coordinator. This first part serves idempotent producers (a null
 * transactional id): each gets a producer id no one has had, with epoch 0.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaError } from '../../protocol/kafka-error.js'
import type { ProducerIdManager } from '../producer-id-manager.js'

export interface ProducerIdAndEpoch {
  readonly producerId: bigint
  readonly producerEpoch: number
}

export interface InitProducerIdResult {
  readonly errorCode: number
  readonly producerId: bigint
  readonly producerEpoch: number
}

export interface TransactionCoordinatorOptions {
  readonly producerIds: ProducerIdManager
}

export class TransactionCoordinator {
  readonly #producerIds: ProducerIdManager

  constructor(options: TransactionCoordinatorOptions) {
    this.#producerIds = options.producerIds
  }

  async initProducerId(transactionalId: string | null, _timeoutMs: number, _expected: ProducerIdAndEpoch | undefined): Promise<InitProducerIdResult> {
    if (transactionalId === null) {
      // Kafka accepts any producer id and epoch here: an idempotent producer always starts over.
      try {
        return { errorCode: ErrorCode.NONE, producerId: await this.#producerIds.generate(), producerEpoch: 0 }
      } catch (err) {
        return failed(err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR)
      }
    }
    // FindCoordinator does not name a transaction coordinator yet, so a client never gets here.
    return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  }
}

function failed(errorCode: number): InitProducerIdResult {
  return { errorCode, producerId: -1n, producerEpoch: -1 }
}
