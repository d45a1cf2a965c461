// kafkajs produces (none, gzip, snappy via kafkajs-snappy, lz4 via kafkajs-lz4; no zstd codec is
// installed); every group-less consumer reads it back. kafkajs' own consumer needs a group, so it
// joins the consumer columns once the group APIs are served.
import { ALL_CONSUMERS } from './helpers/consumers.js'
import { describeProducerMatrix, useBroker } from './helpers/matrix.js'
import { kafkajsProducer } from './helpers/producers.js'

describeProducerMatrix(useBroker(), kafkajsProducer, ALL_CONSUMERS)
