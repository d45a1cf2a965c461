/**
 * Kafka's checkpoint text format, shared by recovery-point-offset-checkpoint,
 * log-start-offset-checkpoint, cleaner-offset-checkpoint and leader-epoch-checkpoint:
 *
 *   <version>\n
 *   <entry count>\n
 *   <entry>\n ...        (offset files: "topic partition offset"; epochs: "epoch startOffset")
 *
 * Written atomically, as Kafka does (atomic-write.ts).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { writeAtomically } from './atomic-write.js'
import { isNotFound } from './file-io.js'

export const CHECKPOINT_VERSION = 0

export class CheckpointFormatError extends Error {}

export function formatCheckpoint(entries: readonly string[]): string {
  return `${CHECKPOINT_VERSION}\n${entries.length}\n${entries.map((e) => `${e}\n`).join('')}`
}

export function writeCheckpoint(path: string, entries: readonly string[]): Promise<void> {
  return writeAtomically(path, formatCheckpoint(entries))
}

/** The entry lines of a checkpoint file, or [] when it does not exist. */
export async function readCheckpoint(path: string): Promise<string[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if (isNotFound(err)) return []
    throw err
  }
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  if (lines[0] !== String(CHECKPOINT_VERSION)) throw new CheckpointFormatError(`${path}: unknown version ${lines[0]}`)
  const count = Number(lines[1])
  if (!Number.isInteger(count) || count < 0 || lines.length !== count + 2)
    throw new CheckpointFormatError(`${path}: expected ${lines[1]} entries, found ${lines.length - 2}`)
  return lines.slice(2)
}

/** Offsets per partition dir name (`topic-partition`), the content of the log dir's offset checkpoints. */
export type OffsetCheckpoint = Map<string, number>

function parseOffsetEntry(path: string, line: string): [string, number] {
  const parts = line.split(' ')
  const offset = Number(parts[2])
  if (parts.length !== 3 || !/^\d+$/.test(parts[1]!) || !Number.isSafeInteger(offset))
    throw new CheckpointFormatError(`${path}: malformed entry ${JSON.stringify(line)}`)
  return [`${parts[0]}-${parts[1]}`, offset]
}

export async function readOffsetCheckpoint(path: string): Promise<OffsetCheckpoint> {
  return new Map((await readCheckpoint(path)).map((l) => parseOffsetEntry(path, l)))
}

export async function writeOffsetCheckpoint(
  path: string,
  entries: Iterable<{ topic: string; partition: number; offset: number }>,
): Promise<void> {
  const lines: string[] = []
  for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`)
  await writeCheckpoint(path, lines)
}

/** Creates an empty checkpoint file if there is none (as Kafka's cleaner does for its own). */
export async function ensureCheckpoint(path: string): Promise<void> {
  try {
    await writeFile(path, formatCheckpoint([]), { flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
}
