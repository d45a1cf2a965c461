// @platformatic/kafka produces (flexible Produce versions; none, gzip, snappy, lz4 — its zstd needs
// node:zlib's zstd, which Node 20 lacks); every group-less consumer reads it back.
import { ALL_CONSUMERS } from './helpers/consumers.js'
import { describeProducerMatrix, useBroker } from './helpers/matrix.js'
import { platformaticProducer } from './helpers/producers.js'

describeProducerMatrix(useBroker(), platformaticProducer, ALL_CONSUMERS)
