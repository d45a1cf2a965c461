import { coordinatorConfigDefs } from './broker-configs-coordinators.js'
import { logConfigDefs } from './broker-configs-log.js'
import { networkConfigDefs } from './broker-configs-network.js'
import { recordConfigDefs } from './broker-configs-records.js'
import { topicCreationConfigDefs } from './broker-configs-topics.js'

/**
 * Every broker config Brook knows, with Kafka's name, type and default (Kafka 4.x). This table is
 * the only list: parsing, validation, config/server.properties (a test compares them) and, later,
 * DescribeConfigs read it. Add a key to the file of its area when code starts to read it.
 *
 * `inUse: false` marks keys that are accepted and validated now but read only by a later
 * component (the group coordinator, a log cleaner) or not acted on by Brook (it says why);
 * server.properties lists them apart.
 *
 * The areas are spread in this order because DescribeConfigs lists the keys in table order.
 */
export const brokerConfigDefs = {
  ...networkConfigDefs,
  ...topicCreationConfigDefs,
  ...coordinatorConfigDefs,
  ...logConfigDefs,
  ...recordConfigDefs,
} as const
