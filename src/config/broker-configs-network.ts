import { atLeast, between, int, long, string } from './config-def.js'

/** Broker configs of the node itself and of how clients reach it: identity, listeners, connections, fetch limits. */
export const networkConfigDefs = {
  // --- identity and listeners
  'node.id': int({
    default: 1,
    validator: atLeast(0),
    doc: 'Id of this node. Kafka has no default (it must be set in KRaft); Brook runs one node and uses 1.',
  }),
  listeners: string({
    default: 'PLAINTEXT://:9092',
    doc: 'Comma-separated NAME://host:port addresses to bind. Empty host: all interfaces. Port 0: an ephemeral port.',
  }),
  'advertised.listeners': string({
    default: null,
    doc: 'Addresses given to clients in Metadata, per listener name; defaults to listeners. Port 0 advertises the bound port.',
  }),
  'listener.security.protocol.map': string({
    default: 'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT',
    doc: 'NAME:PROTOCOL pairs giving the security protocol of each listener name. Brook serves PLAINTEXT only so far.',
  }),

  // --- network
  'socket.request.max.bytes': int({
    default: 104857600,
    validator: atLeast(1),
    doc: 'Largest request frame accepted; a larger one closes the connection.',
  }),
  'connections.max.idle.ms': long({
    default: 600000,
    doc: 'A connection with no traffic for this long is closed. -1 never closes idle connections.',
  }),
  'metrics.port': int({
    default: -1,
    validator: between(-1, 65535),
    doc: 'Brook only (Kafka uses JMX): HTTP port of GET /metrics (Prometheus text), /health and /health/ready; 0 an ephemeral port, -1 off. Off by default so that embedded and test brokers never compete for a fixed port; config/server.properties and the Docker image set 9404.',
  }),

  // --- fetch
  'fetch.max.bytes': int({
    default: 57671680,
    validator: atLeast(1024),
    doc: 'Most bytes of records one Fetch response carries, whatever the request asks (a first batch larger than this still goes out).',
  }),
  'max.incremental.fetch.session.cache.slots': int({
    default: 1000,
    validator: atLeast(0),
    doc: 'Incremental fetch sessions (KIP-227) the broker keeps; 0 turns sessions off.',
  }),
} as const
