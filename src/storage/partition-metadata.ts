/**
 * `partition.metadata`, as Kafka writes it (no trailing newline, 43 bytes):
 *   version: 0\n
 *   topic_id: <22-character base64url topic id>
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isNotFound } from './file-io.js'
import { writeAtomically } from './atomic-write.js'

export const PARTITION_METADATA = 'partition.metadata'

export function formatPartitionMetadata(topicId: string): string {
  return `version: 0\ntopic_id: ${topicId}`
}

export async function writePartitionMetadata(dir: string, topicId: string): Promise<void> {
  await writeAtomically(join(dir, PARTITION_METADATA), formatPartitionMetadata(topicId))
}

/** The topic id in `dir`'s partition.metadata, or null if the file is missing. */
export async function readPartitionMetadata(dir: string): Promise<string | null> {
  let text: string
  try {
    text = await readFile(join(dir, PARTITION_METADATA), 'utf8')
  } catch (err) {
    if (isNotFound(err)) return null
    throw err
  }
  const match = /^version: 0\ntopic_id: ([A-Za-z0-9_-]{22})\n?$/.exec(text)
  if (!match) throw new Error(`${join(dir, PARTITION_METADATA)}: unrecognised content`)
  return match[1]!
}
