/**
 * Dynamic broker configs (KIP-226): values set through AlterConfigs / IncrementalAlterConfigs on
 * the broker resource, either for this node (resource name = node id) or cluster-wide (resource
 * name ""). Kafka keeps them in the metadata log; Brook keeps one JSON file in the metadata log
 * dir, replaced atomically on each change, and reads it at start-up:
 *
 *     { "version": 1, "clusterDefault": { "log.retention.ms": "60000" }, "broker": { } }
 *
 * Values are kept as the text given (Kafka stores strings too); they were validated when set.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BrookError, BrookErrorCode } from '../brook-error.js'
import { writeFileAtomic } from '../cluster/atomic-file.js'

export const DYNAMIC_BROKER_CONFIG_FILE = 'brook-broker-configs.json'
const FORMAT_VERSION = 1

/** This node's own dynamic configs, or the cluster-wide defaults every node inherits. */
export type DynamicScope = 'broker' | 'clusterDefault'

type Configs = Readonly<Record<string, string>>

export class DynamicBrokerConfigs {
  readonly #path: string | undefined
  #scopes: Record<DynamicScope, Configs>
  readonly #listeners = new Set<() => void>()
  #writes: Promise<unknown> = Promise.resolve()

  private constructor(path: string | undefined, scopes: Record<DynamicScope, Configs>) {
    this.#path = path
    this.#scopes = scopes
  }

  /** Reads the file in `dir` (none yet: no dynamic configs). */
  static async open(dir: string): Promise<DynamicBrokerConfigs> {
    const path = join(dir, DYNAMIC_BROKER_CONFIG_FILE)
    return new DynamicBrokerConfigs(path, await readStored(path))
  }

  /** No dynamic configs and no file: for tools and tests that only need static config. */
  static none(): DynamicBrokerConfigs {
    return new DynamicBrokerConfigs(undefined, { broker: Object.freeze({}), clusterDefault: Object.freeze({}) })
  }

  get(scope: DynamicScope): Configs {
    return this.#scopes[scope]
  }

  /** Replaces the whole set of one scope; visible (and listeners called) once it is on disk. */
  replace(scope: DynamicScope, configs: Record<string, string>): Promise<void> {
    const run = async (): Promise<void> => {
      const next = { ...this.#scopes, [scope]: Object.freeze({ ...configs }) }
      if (this.#path) await writeFileAtomic(this.#path, `${JSON.stringify({ version: FORMAT_VERSION, ...next }, null, 2)}\n`)
      this.#scopes = next
      for (const listener of this.#listeners) listener()
    }
    const result = this.#writes.then(run)
    this.#writes = result.catch(() => undefined)
    return result
  }

  /** Called after every change; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}

async function readStored(path: string): Promise<Record<DynamicScope, Configs>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { broker: Object.freeze({}), clusterDefault: Object.freeze({}) }
    throw err
  }
  try {
    const doc = JSON.parse(text) as { version?: unknown; broker?: unknown; clusterDefault?: unknown }
    if (doc.version !== FORMAT_VERSION) throw new Error('unknown format version')
    return { broker: checkConfigs(doc.broker), clusterDefault: checkConfigs(doc.clusterDefault) }
  } catch (err) {
    throw new BrookError(
      BrookErrorCode.DATA_DIR_INVALID,
      `${path} cannot be read: ${(err as Error).message}. Restore it from a backup or remove it (its dynamic broker configs are then forgotten).`,
    )
  }
}

function checkConfigs(value: unknown): Configs {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('malformed configs')
  for (const v of Object.values(value)) if (typeof v !== 'string') throw new Error(`malformed config value ${JSON.stringify(v)}`)
  return Object.freeze({ ...(value as Record<string, string>) })
}
