import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BrookErrorCode, startBroker } from '../src/index.js'
import { tempDir, uniqueName } from './helpers/index.js'

describe('startBroker()', () => {
  it('runs on an ephemeral port of 127.0.0.1 with a temp data dir that close() removes', async () => {
    const broker = await startBroker()
    expect(broker.port).toBeGreaterThan(0)
    expect(broker.bootstrap).toBe(`127.0.0.1:${broker.port}`)
    expect(broker.logDirs).toEqual([broker.dataDir])
    expect(readFileSync(join(broker.dataDir, 'meta.properties'), 'utf8')).toContain(`cluster.id=${broker.cluster.clusterId}`)
    await Promise.all([broker.close(), broker.close()])
    await broker.close()
    expect(existsSync(broker.dataDir)).toBe(false)
  })

  it('takes Kafka configs by name and exposes the resolved config', async () => {
    const broker = await startBroker({ config: { 'node.id': 3, 'auto.create.topics.enable': false, 'num.partitions': '4' } })
    try {
      expect(broker.config.get('node.id')).toBe(3)
      expect(broker.config.get('auto.create.topics.enable')).toBe(false)
      expect(broker.config.get('num.partitions')).toBe(4)
      expect(broker.cluster.nodeId).toBe(3)
    } finally {
      await broker.close()
    }
  })

  it('keeps the cluster id and topics of a given data dir across restarts', async () => {
    const dir = tempDir()
    const first = await startBroker({ config: { 'log.dirs': dir }, clusterId: 'MkU3OEVBNTcwNTJENDM2Qk' })
    const name = uniqueName('kept')
    const topic = await first.cluster.createTopic({ name, partitions: 2 })
    await first.close()
    expect(existsSync(join(dir, 'meta.properties'))).toBe(true)

    const second = await startBroker({ config: { 'log.dirs': dir } })
    try {
      expect(second.cluster.clusterId).toBe('MkU3OEVBNTcwNTJENDM2Qk')
      expect(second.cluster.topics.get(name)).toEqual(topic)
    } finally {
      await second.close()
    }
  })

  it('refuses a second broker on the same data dir until the first is closed', async () => {
    const dir = tempDir()
    const first = await startBroker({ config: { 'log.dirs': dir } })
    await expect(startBroker({ config: { 'log.dirs': dir } })).rejects.toMatchObject({
      code: BrookErrorCode.DATA_DIR_LOCKED,
      message: expect.stringContaining(dir),
    })
    await first.close()
    const again = await startBroker({ config: { 'log.dirs': dir } })
    await again.close()
  })

  it('rejects an invalid value naming the key and the expected type', async () => {
    await expect(startBroker({ config: { 'socket.request.max.bytes': 'big' } })).rejects.toMatchObject({
      code: BrookErrorCode.CONFIG_INVALID,
      message: 'Invalid value "big" for configuration socket.request.max.bytes: expected an int (32-bit integer) (from startBroker options)',
    })
  })

  it('reports a port already in use', async () => {
    const first = await startBroker()
    try {
      await expect(startBroker({ config: { listeners: `PLAINTEXT://127.0.0.1:${first.port}` } })).rejects.toMatchObject({
        code: BrookErrorCode.LISTEN_FAILED,
        message: expect.stringContaining('already in use'),
      })
    } finally {
      await first.close()
    }
  })
})
