/**
 * `meta.properties` in each log dir, in Kafka's KRaft format (version 1), a Java properties file:
 *
 *     #
 *     #<date>
 *     cluster.id=<base64url uuid>
 *     directory.id=<base64url uuid, one per log dir>
 *     node.id=<int>
 *     version=1
 *
 * Kafka writes it with `kafka-storage.sh format`; Brook formats a dir on first start. The cluster
 * id is generated once and kept, so clients see the same cluster across restarts.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BrookError, BrookErrorCode } from '../brook-error.js'
import { parseProperties } from '../config/properties.js'
import { writeFileAtomic } from './atomic-file.js'

export const META_PROPERTIES = 'meta.properties'

export interface MetaProperties {
  readonly clusterId: string
  readonly nodeId: number
  readonly directoryId: string | undefined
}

/** Reads a log dir's meta.properties; undefined when the dir is not formatted yet. */
export async function readMetaProperties(dir: string): Promise<MetaProperties | undefined> {
  const path = join(dir, META_PROPERTIES)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  const props = parseProperties(text)
  const version = props.get('version')
  if (version !== '1') {
    throw invalid(path, `version is ${version ?? 'missing'}; Brook reads KRaft meta.properties (version=1) only`)
  }
  const clusterId = props.get('cluster.id')
  if (!clusterId || !isClusterId(clusterId)) throw invalid(path, `cluster.id ${clusterId ?? 'missing'} is not a Kafka uuid`)
  const nodeId = Number(props.get('node.id'))
  if (!Number.isSafeInteger(nodeId) || nodeId < 0) throw invalid(path, `node.id ${props.get('node.id')} is not valid`)
  return { clusterId, nodeId, directoryId: props.get('directory.id') }
}

export async function writeMetaProperties(dir: string, meta: MetaProperties): Promise<void> {
  const lines = ['#', `#${new Date().toString()}`, `cluster.id=${meta.clusterId}`]
  if (meta.directoryId) lines.push(`directory.id=${meta.directoryId}`)
  lines.push(`node.id=${meta.nodeId}`, 'version=1', '')
  await writeFileAtomic(join(dir, META_PROPERTIES), lines.join('\n'))
}

/**
 * Kafka parses ids with Java's lenient base64 decoder, so 22 base64url characters whose last one
 * carries stray low bits are accepted; the id widely copied from Kafka's docs
 * (MkU3OEVBNTcwNTJENDM2Qk) is one of them.
 */
export function isClusterId(id: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(id)
}

function invalid(path: string, problem: string): BrookError {
  return new BrookError(BrookErrorCode.DATA_DIR_INVALID, `${path}: ${problem}. Fix or remove the file.`)
}
