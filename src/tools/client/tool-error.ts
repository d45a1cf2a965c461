/**
 * Failures the tools report to the user as one line and an exit code, never as a stack trace.
 */
import { errorName } from '../../protocol/error-codes.js'

export class ToolError extends Error {
  override name = 'ToolError'
  /** Process exit code. */
  readonly exitCode: number

  constructor(message: string, exitCode = 1) {
    super(message)
    this.exitCode = exitCode
  }
}

/** The broker could not be reached, or dropped the connection. */
export class ConnectionError extends ToolError {
  override name = 'ConnectionError'
}

/** A Kafka error code in a response, with the message Kafka's Java client would show. */
export class KafkaResponseError extends ToolError {
  override name = 'KafkaResponseError'
  readonly code: number

  constructor(code: number, serverMessage?: string | null) {
    super(serverMessage || defaultMessage(code))
    this.code = code
  }
}

/**
 * The default message of Kafka's exception for a code (its `Errors` enum), for the codes the
 * tools meet; the broker's own message wins when the response carries one.
 */
const messages: Readonly<Record<string, string>> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'This server does not host this topic-partition.',
  TOPIC_ALREADY_EXISTS: 'Topic with this name already exists.',
  INVALID_TOPIC_EXCEPTION: 'The request attempted to perform an operation on an invalid topic.',
  INVALID_PARTITIONS: 'Number of partitions is below 1.',
  INVALID_REPLICATION_FACTOR: 'Replication factor is below 1 or larger than the number of available brokers.',
  INVALID_CONFIG: 'Configuration is invalid.',
  GROUP_ID_NOT_FOUND: 'The group id does not exist.',
  NON_EMPTY_GROUP: 'The group is not empty.',
  INVALID_GROUP_ID: 'The configured groupId is invalid.',
  COORDINATOR_NOT_AVAILABLE: 'The coordinator is not available.',
  NOT_COORDINATOR: 'This is not the correct coordinator.',
  GROUP_SUBSCRIBED_TO_TOPIC: 'Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.',
  UNSUPPORTED_VERSION: 'The version of API is not supported.',
  INVALID_REQUEST: 'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.',
  POLICY_VIOLATION: 'Request parameters do not satisfy the configured policy.',
  TOPIC_DELETION_DISABLED: 'Topic deletion is disabled.',
  UNKNOWN_TOPIC_ID: 'This server does not host this topic ID.',
  LEADER_NOT_AVAILABLE: 'There is no leader for this topic-partition as we are in the middle of a leadership election.',
  NOT_LEADER_OR_FOLLOWER: 'For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.',
  REQUEST_TIMED_OUT: 'The request timed out.',
  MESSAGE_TOO_LARGE: 'The request included a message larger than the max message size the server will accept.',
  RECORD_LIST_TOO_LARGE: 'The request included message batch larger than the configured segment size on the server.',
  OFFSET_OUT_OF_RANGE: 'The requested offset is not within the range of offsets maintained by the server.',
  UNKNOWN_MEMBER_ID: 'The coordinator is not aware of this member.',
  REBALANCE_IN_PROGRESS: 'The group is rebalancing, so a rejoin is needed.',
  ILLEGAL_GENERATION: 'Specified group generation id is not valid.',
  INCONSISTENT_GROUP_PROTOCOL: "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.",
  CLUSTER_AUTHORIZATION_FAILED: 'Cluster authorization failed.',
  TOPIC_AUTHORIZATION_FAILED: 'Topic authorization failed.',
  GROUP_AUTHORIZATION_FAILED: 'Group authorization failed.',
  UNKNOWN_SERVER_ERROR: 'The server experienced an unexpected error when processing the request.',
}

export function defaultMessage(code: number): string {
  const name = errorName(code)
  return messages[name] ?? name
}
