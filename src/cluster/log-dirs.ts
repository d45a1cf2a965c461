import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { BrookError, BrookErrorCode } from '../brook-error.js'
import { randomUuid } from '../protocol/primitives/uuid.js'
import { DataDirLock } from './data-dir-lock.js'
import { isClusterId, readMetaProperties, writeMetaProperties } from './meta-properties.js'
import type { MetaProperties } from './meta-properties.js'

export interface LogDirsOptions {
  readonly dirs: readonly string[]
  readonly nodeId: number
  /** Cluster id for dirs formatted now (as `kafka-storage.sh format -t`); formatted dirs keep theirs. */
  readonly clusterId?: string | undefined
}

/**
 * The broker's log dirs, created if missing, locked against a second broker, and formatted with
 * meta.properties. Like Kafka, every dir must agree on the cluster id and carry this node's id.
 */
export class LogDirs {
  readonly clusterId: string
  /** Absolute paths, in config order. */
  readonly dirs: readonly string[]
  readonly #locks: readonly DataDirLock[]

  private constructor(clusterId: string, dirs: string[], locks: DataDirLock[]) {
    this.clusterId = clusterId
    this.dirs = dirs
    this.#locks = locks
  }

  /** Where cluster metadata (the topic registry) lives: the first log dir, as Kafka's metadata.log.dir default. */
  get metadataDir(): string {
    return this.dirs[0] as string
  }

  static async open(options: LogDirsOptions): Promise<LogDirs> {
    if (options.dirs.length === 0) throw configInvalid('log.dirs must name at least one directory')
    if (options.clusterId !== undefined && !isClusterId(options.clusterId)) {
      throw configInvalid(`cluster id ${options.clusterId} is not a Kafka uuid (22 base64url characters)`)
    }
    const dirs = [...new Set(options.dirs.map((d) => resolve(d)))]
    const locks: DataDirLock[] = []
    try {
      for (const dir of dirs) {
        await mkdir(dir, { recursive: true })
        locks.push(await DataDirLock.acquire(dir))
      }
      const clusterId = await format(dirs, options)
      return new LogDirs(clusterId, dirs, locks)
    } catch (err) {
      await Promise.all(locks.map((l) => l.release()))
      throw err
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#locks.map((l) => l.release()))
  }
}

async function format(dirs: readonly string[], options: LogDirsOptions): Promise<string> {
  const metas = await Promise.all(dirs.map(async (dir) => ({ dir, meta: await readMetaProperties(dir) })))
  let clusterId: string | undefined
  for (const { dir, meta } of metas) {
    if (!meta) continue
    if (meta.nodeId !== options.nodeId) {
      throw dataDirInvalid(`${dir} belongs to node ${meta.nodeId} but node.id is ${options.nodeId}`)
    }
    if (clusterId !== undefined && meta.clusterId !== clusterId) {
      throw dataDirInvalid(`log dirs disagree on the cluster id: ${clusterId} and ${meta.clusterId} (in ${dir})`)
    }
    clusterId = meta.clusterId
  }
  const id = clusterId ?? options.clusterId ?? randomUuid()
  for (const { dir, meta } of metas) {
    if (meta) continue
    const fresh: MetaProperties = { clusterId: id, nodeId: options.nodeId, directoryId: randomUuid() }
    await writeMetaProperties(dir, fresh)
  }
  return id
}

function configInvalid(message: string): BrookError {
  return new BrookError(BrookErrorCode.CONFIG_INVALID, message)
}

function dataDirInvalid(message: string): BrookError {
  return new BrookError(BrookErrorCode.DATA_DIR_INVALID, `${message}. Use the log dirs of this node or another node.id.`)
}
