// kafka-python 2.0.2 produces with keys and headers in every codec it supports (snappy, lz4 and zstd
// through python3-snappy, python3-lz4 and python3-zstandard); every group-less consumer reads it back.
import { ALL_CONSUMERS } from './helpers/consumers.js'
import { describeProducerMatrix, useBroker } from './helpers/matrix.js'
import { kafkaPythonProducer } from './helpers/producers.js'

describeProducerMatrix(useBroker(), kafkaPythonProducer, ALL_CONSUMERS)
