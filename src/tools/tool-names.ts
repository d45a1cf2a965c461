/**
 * The tools' names and one-line descriptions, kept apart from the tools themselves so that
 * `brook start` and `brook --help` can recognise and list them without loading them.
 */
export const TOOL_COMMANDS: Readonly<Record<string, string>> = {
  topics: 'kafka-topics: create, list, describe, alter and delete topics',
  'console-producer': 'kafka-console-producer: produce lines from stdin',
  'console-consumer': 'kafka-console-consumer: print records to stdout',
  'consumer-groups': 'kafka-consumer-groups: list, describe, delete groups and reset offsets',
  configs: 'kafka-configs: describe and alter topic and broker configs',
  'broker-api-versions': 'kafka-broker-api-versions: the API versions each broker serves',
}
