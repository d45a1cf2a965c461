// librdkafka 2.0.2 produces through kcat -P and confluent-kafka-python's Producer, in every codec it
// offers; every group-less consumer reads it back. Without FindCoordinator served, librdkafka sends
// lz4 requests uncompressed: the storage tests assert what the batches on disk say.
import { ALL_CONSUMERS } from './helpers/consumers.js'
import { describeProducerMatrix, useBroker } from './helpers/matrix.js'
import { confluentProducer, kcatProducer } from './helpers/producers.js'

const broker = useBroker()
describeProducerMatrix(broker, kcatProducer, ALL_CONSUMERS)
describeProducerMatrix(broker, confluentProducer, ALL_CONSUMERS)
