/**
 * An append refused by the partition's producer state (Kafka's OutOfOrderSequenceException,
 * InvalidProducerEpochException, TransactionCoordinatorFencedException, ...): nothing of the
 * append was written, and `errorCode` is the partition's answer.
 */
export class ProducerStateError extends Error {
  override name = 'ProducerStateError'
  readonly errorCode: number

  constructor(errorCode: number, message: string) {
    super(message)
    this.errorCode = errorCode
  }
}
