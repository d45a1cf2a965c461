import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/index.js'
import { BrookErrorCode } from '../brook-error.js'
import { isUuid } from '../protocol/primitives/uuid.js'
import { LogDirs } from './log-dirs.js'
import { readMetaProperties } from './meta-properties.js'

describe('LogDirs', () => {
  it('creates and formats missing dirs with one cluster id kept across restarts', async () => {
    const root = tempDir()
    const dirs = [join(root, 'a'), join(root, 'b/c')]
    const first = await LogDirs.open({ dirs, nodeId: 1 })
    expect(isUuid(first.clusterId)).toBe(true)
    await first.close()
    const metaA = await readMetaProperties(dirs[0] as string)
    const metaB = await readMetaProperties(dirs[1] as string)
    expect(metaA).toMatchObject({ clusterId: first.clusterId, nodeId: 1 })
    expect(metaB?.clusterId).toBe(first.clusterId)
    expect(metaA?.directoryId).not.toBe(metaB?.directoryId)
    const text = await readFile(join(dirs[0] as string, 'meta.properties'), 'utf8')
    expect(text).toMatch(/^cluster\.id=.+$/m)
    expect(text).toMatch(/^version=1$/m)

    const second = await LogDirs.open({ dirs, nodeId: 1, clusterId: 'MkU3OEVBNTcwNTJENDM2Qk' })
    expect(second.clusterId).toBe(first.clusterId)
    await second.close()
  })

  it('uses a given cluster id when formatting', async () => {
    const dirs = await LogDirs.open({ dirs: [tempDir()], nodeId: 1, clusterId: 'MkU3OEVBNTcwNTJENDM2Qk' })
    expect(dirs.clusterId).toBe('MkU3OEVBNTcwNTJENDM2Qk')
    await dirs.close()
  })

  it('refuses dirs of another node and dirs of two clusters', async () => {
    const a = tempDir()
    const b = tempDir()
    await (await LogDirs.open({ dirs: [a], nodeId: 1 })).close()
    await (await LogDirs.open({ dirs: [b], nodeId: 1 })).close()
    await expect(LogDirs.open({ dirs: [a], nodeId: 2 })).rejects.toMatchObject({
      code: BrookErrorCode.DATA_DIR_INVALID,
      message: expect.stringMatching(/belongs to node 1 but node\.id is 2/),
    })
    await expect(LogDirs.open({ dirs: [a, b], nodeId: 1 })).rejects.toThrow(/disagree on the cluster id/)
    // A failed open leaves no lock behind.
    await (await LogDirs.open({ dirs: [a], nodeId: 1 })).close()
  })

  it('refuses a ZooKeeper-era meta.properties', async () => {
    const dir = tempDir()
    await writeFile(join(dir, 'meta.properties'), 'version=0\nbroker.id=1\ncluster.id=abc\n')
    await expect(LogDirs.open({ dirs: [dir], nodeId: 1 })).rejects.toThrow(/version is 0/)
  })

  it('refuses a second open of the same dir', async () => {
    const dir = tempDir()
    const held = await LogDirs.open({ dirs: [dir], nodeId: 1 })
    await expect(LogDirs.open({ dirs: [dir], nodeId: 1 })).rejects.toMatchObject({ code: BrookErrorCode.DATA_DIR_LOCKED })
    await held.close()
  })
})

describe('cluster id given for formatting', () => {
  it('must look like a Kafka uuid', async () => {
    await expect(LogDirs.open({ dirs: [tempDir()], nodeId: 1, clusterId: 'not-a-uuid' })).rejects.toMatchObject({
      code: BrookErrorCode.CONFIG_INVALID,
    })
  })
})
