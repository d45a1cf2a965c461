import { describe, expect, it } from 'vitest'
import { javaStringHashCode, partitionForGroup } from './partition-for-group.js'

// Expected values printed by Java (String.hashCode, Kafka's Utils.abs, % 50).
const JAVA: [groupId: string, hashCode: number, partitionOf50: number][] = [
  ['', 0, 0],
  ['a', 97, 47],
  ['my-group', -1906497762, 12],
  ['console-consumer-12345', 158455506, 6],
  ['polygenelubricants', -2147483648, 0],
  ['grupo-é-ü', -598043212, 12],
  ['😀-group', -1198440043, 43],
  ['test-group', 627841412, 12],
]

describe('partitionForGroup', () => {
  it.each(JAVA)('%j hashes and lands as in Kafka', (groupId, hash, partition) => {
    expect(javaStringHashCode(groupId)).toBe(hash)
    expect(partitionForGroup(groupId, 50)).toBe(partition)
  })

  it('maps Integer.MIN_VALUE to partition 0 (Utils.abs), not to a negative partition', () => {
    expect(partitionForGroup('polygenelubricants', 7)).toBe(0)
  })
})
