import { atLeast, boolean, int, list } from './config-def.js'

/** Broker configs of where topics live (the data directories) and how new topics are created. */
export const topicCreationConfigDefs = {
  // --- data
  'log.dirs': list({
    default: null,
    doc: 'Comma-separated data directories. If not set, log.dir is used.',
  }),
  'log.dir': list({
    default: ['/tmp/kafka-logs'],
    doc: 'Data directory used when log.dirs is not set.',
  }),

  // --- topics
  'num.partitions': int({
    default: 1,
    validator: atLeast(1),
    doc: 'Partition count of topics created without one (auto-created, or CreateTopics with -1).',
  }),
  'default.replication.factor': int({
    default: 1,
    doc: 'Replication factor of topics created without one. One node: only 1 can be satisfied.',
  }),
  'auto.create.topics.enable': boolean({
    default: true,
    doc: 'Create a topic when a client asks for metadata of a topic that does not exist.',
  }),
  'delete.topic.enable': boolean({
    default: true,
    doc: 'Whether DeleteTopics may delete topics.',
  }),
} as const
