/** Kafka's rules for topic names (org.apache.kafka.common.internals.Topic). */
const LEGAL = /^[a-zA-Z0-9._-]+$/
const MAX_LENGTH = 249

export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state'])

/** Why `name` cannot be a topic name, or undefined when it can. */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty'
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."'
  if (name.length > MAX_LENGTH) return `Topic name is longer than the maximum of ${MAX_LENGTH} characters`
  if (!LEGAL.test(name)) return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`
  return undefined
}

/**
 * '.' and '_' become the same character in metric names, so Kafka refuses a topic whose name
 * differs from an existing one only there.
 */
export function collisionKey(name: string): string {
  return name.replaceAll('.', '_')
}
