/**
 * Authorized-operations bitfields (Metadata now; DescribeGroups and DescribeCluster later): bit n set means
 * the client may perform AclOperation n. Brook has no authorizer, so like Kafka without one it
 * grants every operation the resource type supports.
 */
export const AclOperation = {
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const

/** Sent when the client did not ask for authorized operations (Integer.MIN_VALUE in Kafka). */
export const OPERATIONS_NOT_REQUESTED = -2147483648

const { READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE } =
  AclOperation

const bits = (...ops: number[]): number => ops.reduce((field, op) => field | (1 << op), 0)

/** The operations Kafka supports per resource type, all granted. */
export const ALL_TOPIC_OPERATIONS = bits(READ, WRITE, CREATE, DESCRIBE, DELETE, ALTER, DESCRIBE_CONFIGS, ALTER_CONFIGS)
export const ALL_CLUSTER_OPERATIONS = bits(CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALTER, DESCRIBE)
