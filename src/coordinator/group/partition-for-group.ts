/**
 * Which __consumer_offsets partition owns a group: Kafka's
 * `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions`, so a group lands on the same
 * partition number in Brook as in Kafka (tools that read __consumer_offsets rely on it).
 */

/** Java's String.hashCode: over UTF-16 code units, `h = 31 * h + c` in int32 arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

/** Kafka's Utils.abs: Integer.MIN_VALUE maps to 0 instead of staying negative. */
function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n)
}

export function partitionForGroup(groupId: string, partitions: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % partitions
}
