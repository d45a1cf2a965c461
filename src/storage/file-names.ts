/**
 * Names in a log dir, as Kafka forms them:
 *   <topic>-<partition>/                       a partition's dir
 *   <topic>-<partition>.<32 hex>-delete/       a deleted partition awaiting removal
 *   <20-digit base offset>.log|.index|.timeindex   segment files; `.deleted` appended when retired
 */
import { randomUUID } from 'node:crypto'

export const LOG_SUFFIX = '.log'
export const INDEX_SUFFIX = '.index'
export const TIME_INDEX_SUFFIX = '.timeindex'
export const DELETED_SUFFIX = '.deleted'
export const DELETE_DIR_SUFFIX = '-delete'

export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(20, '0') + suffix
}

/** The base offset of a segment file name with `suffix`, or null if the name is not one. */
export function parseSegmentFileName(name: string, suffix: string): number | null {
  if (!name.endsWith(suffix)) return null
  const digits = name.slice(0, -suffix.length)
  return /^\d{20}$/.test(digits) ? Number(digits) : null
}

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`
}

/** Topic and partition of a partition dir name; null for other entries (checkpoints, `-delete` dirs). */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | null {
  const dash = name.lastIndexOf('-')
  if (dash <= 0) return null
  const p = name.slice(dash + 1)
  if (!/^\d+$/.test(p)) return null
  return { topic: name.slice(0, dash), partition: Number(p) }
}

/** Kafka's `<topic>-<p>.<uuid without dashes>-delete`, the topic cut so the name fits 255 bytes. */
export function deleteDirName(topic: string, partition: number): string {
  const suffix = `-${partition}.${randomUUID().replaceAll('-', '')}${DELETE_DIR_SUFFIX}`
  return topic.slice(0, 255 - suffix.length) + suffix
}
