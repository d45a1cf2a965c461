// DescribeLogDirs v0-4. v1: same as v0. v2: flexible. v3: top-level errorCode. v4: each dir's total
// and usable bytes (KIP-827). Every log dir is listed, with the requested partitions it holds (all
// of them for a null request; unknown ones are left out, as Kafka does). Brook's only replica is
// the current one: offset lag 0 (the high watermark is the log end), never a future replica.
import { statfs } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { ErrorCode } from '../protocol/error-codes.js'
import { DescribeLogDirs } from '../protocol/generated/describe-log-dirs.js'
import type { DescribeLogDirsResult, DescribeLogDirsTopic } from '../protocol/generated/describe-log-dirs.js'
import { defineHandler } from './handler.js'

/** Kafka's DescribeLogDirsResponse.UNKNOWN_VOLUME_BYTES. */
const UNKNOWN_VOLUME_BYTES = -1n

export const describeLogDirs = defineHandler({
  api: DescribeLogDirs,
  minVersion: 0,
  maxVersion: 4,
  handle: async (req, ctx) => {
    const { logs } = ctx.services.replicas
    const wanted = req.topics === null ? null : new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)]))
    const byDir = new Map<string, Map<string, DescribeLogDirsTopic>>(logs.logDirs.map((d) => [resolve(d), new Map()]))
    for (const log of logs.allLogs()) {
      if (wanted && !wanted.get(log.topic)?.has(log.partition)) continue
      const topics = byDir.get(resolve(dirname(log.dir)))
      if (!topics) continue
      let topic = topics.get(log.topic)
      if (!topic) topics.set(log.topic, (topic = { name: log.topic, partitions: [] }))
      topic.partitions.push({ partitionIndex: log.partition, partitionSize: BigInt(log.size), offsetLag: 0n, isFutureKey: false })
    }
    const results: DescribeLogDirsResult[] = []
    for (const [logDir, topics] of byDir) {
      const { totalBytes, usableBytes } = await volumeBytes(logDir)
      results.push({ errorCode: ErrorCode.NONE, logDir, topics: [...topics.values()], totalBytes, usableBytes })
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results }
  },
})

/** The file system's size and the space left to unprivileged users (Java's FileStore total and usable space). */
async function volumeBytes(dir: string): Promise<{ totalBytes: bigint; usableBytes: bigint }> {
  try {
    const s = await statfs(dir, { bigint: true })
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize }
  } catch {
    return { totalBytes: UNKNOWN_VOLUME_BYTES, usableBytes: UNKNOWN_VOLUME_BYTES }
  }
}
