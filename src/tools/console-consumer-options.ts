/** kafka-console-consumer's options, as ConsoleConsumerOptions declares them. */
import type { OptionSpecs } from './tool-args.js'

export const consumerOptions: OptionSpecs = {
  'bootstrap-server': { kind: 'value', description: 'REQUIRED: The server(s) to connect to.', argName: 'server to connect to' },
  topic: { kind: 'value', description: 'The topic to consume on.' },
  include: { kind: 'value', description: 'Regular expression specifying list of topics to include for consumption.', argName: 'Java regex (String)' },
  whitelist: { kind: 'value', description: 'DEPRECATED, use --include instead; ignored if --include specified.' },
  partition: { kind: 'value', description: 'The partition to consume from. Consumption starts from the end of the partition unless \'--offset\' is specified.' },
  offset: { kind: 'value', description: "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end", defaultValue: 'latest' },
  group: { kind: 'value', description: 'The consumer group id of the consumer.', argName: 'consumer group id' },
  'from-beginning': { kind: 'flag', description: 'If the consumer does not already have an established offset to consume from, start with the earliest message present in the log rather than the latest message.' },
  'max-messages': { kind: 'value', description: 'The maximum number of messages to consume before exiting. If not set, consumption is continual.', argName: 'num_messages' },
  'timeout-ms': { kind: 'value', description: 'If specified, exit if no message is available for consumption for the specified interval.', argName: 'timeout_ms' },
  'skip-message-on-error': { kind: 'flag', description: 'If there is an error when processing a message, skip it instead of halt.' },
  formatter: { kind: 'value', description: 'The name of a class to use for formatting kafka messages for display.', defaultValue: 'org.apache.kafka.tools.consumer.DefaultMessageFormatter' },
  property: { kind: 'value', description: 'The properties to initialize the message formatter: print.timestamp, print.key, print.offset, print.partition, print.headers, print.value, key.separator, line.separator, headers.separator, null.literal.', argName: 'prop' },
  'formatter-property': { kind: 'value', description: 'The properties to initialize the message formatter (same as --property).', argName: 'prop' },
  'consumer-property': { kind: 'value', description: 'A mechanism to pass user-defined properties in the form key=value to the consumer.', argName: 'consumer_prop' },
  'command-property': { kind: 'value', description: 'A mechanism to pass user-defined properties in the form key=value to the consumer.', argName: 'consumer_prop' },
  'consumer.config': { kind: 'value', description: 'Consumer config properties file.' },
  'command-config': { kind: 'value', description: 'Consumer config properties file.' },
  'isolation-level': { kind: 'value', description: 'Set to read_committed in order to filter out transactional messages which are not committed. Set to read_uncommitted to read all messages.', defaultValue: 'read_uncommitted' },
  'key-deserializer': { kind: 'value', description: 'The name of the class to use for deserializing keys.' },
  'value-deserializer': { kind: 'value', description: 'The name of the class to use for deserializing values.' },
  'enable-systest-events': { kind: 'flag', description: 'Log lifecycle events of the consumer in addition to logging consumed messages.' },
  version: { kind: 'flag', description: 'Display Kafka version.' },
}
