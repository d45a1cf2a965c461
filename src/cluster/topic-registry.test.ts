import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/index.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { TOPIC_REGISTRY_FILE, TopicRegistry } from './topic-registry.js'

describe('TopicRegistry', () => {
  it('persists topics and reloads them with the same ids', async () => {
    const dir = tempDir()
    const registry = await TopicRegistry.open(dir)
    const orders = await registry.create({ name: 'orders', partitions: 3, configs: { 'retention.ms': '1000' } })
    await registry.create({ name: '__consumer_offsets', partitions: 50 })
    expect(registry.get('orders')).toBe(orders)
    expect(registry.byId(orders.topicId)).toBe(orders)

    const reopened = await TopicRegistry.open(dir)
    expect([...reopened.list()].map((t) => [t.name, t.partitions, t.internal])).toEqual([
      ['orders', 3, false],
      ['__consumer_offsets', 50, true],
    ])
    expect(reopened.get('orders')).toEqual(orders)
    expect(await readdir(dir)).toEqual([TOPIC_REGISTRY_FILE])
  })

  it('deletes topics durably', async () => {
    const dir = tempDir()
    const registry = await TopicRegistry.open(dir)
    const t = await registry.create({ name: 'gone', partitions: 1 })
    await registry.delete('gone')
    expect(registry.get('gone')).toBeUndefined()
    expect(registry.byId(t.topicId)).toBeUndefined()
    expect((await TopicRegistry.open(dir)).size).toBe(0)
    await expect(registry.delete('gone')).rejects.toMatchObject({ code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })
  })

  it("applies Kafka's topic rules", async () => {
    const registry = await TopicRegistry.open(tempDir())
    await registry.create({ name: 'a.b', partitions: 1 })
    const rejects = (name: string, partitions = 1) => expect(registry.create({ name, partitions })).rejects
    await rejects('a.b').toMatchObject({ code: ErrorCode.TOPIC_ALREADY_EXISTS })
    await rejects('a_b').toMatchObject({ code: ErrorCode.INVALID_TOPIC_EXCEPTION, message: expect.stringMatching(/collides/) })
    await rejects('').toMatchObject({ code: ErrorCode.INVALID_TOPIC_EXCEPTION })
    await rejects('..').toMatchObject({ code: ErrorCode.INVALID_TOPIC_EXCEPTION })
    await rejects('has space').toMatchObject({ code: ErrorCode.INVALID_TOPIC_EXCEPTION })
    await rejects('x'.repeat(250)).toMatchObject({ code: ErrorCode.INVALID_TOPIC_EXCEPTION })
    await rejects('zero', 0).toMatchObject({ code: ErrorCode.INVALID_PARTITIONS })
    await registry.create({ name: 'x'.repeat(249), partitions: 1 })
  })

  it('adds partitions durably, keeping id and configs, and refuses anything but an increase', async () => {
    const dir = tempDir()
    const registry = await TopicRegistry.open(dir)
    const before = await registry.create({ name: 'grow', partitions: 2, configs: { 'retention.ms': '5' } })
    await registry.create({ name: 'after', partitions: 1 })
    const grown = await registry.addPartitions('grow', 5)
    expect(grown).toMatchObject({ name: 'grow', topicId: before.topicId, partitions: 5 })
    expect(grown.configs).toBe(before.configs)
    expect(registry.get('grow')).toBe(grown)
    expect(registry.byId(before.topicId)).toBe(grown)
    await expect(registry.addPartitions('grow', 5)).rejects.toMatchObject({
      code: ErrorCode.INVALID_PARTITIONS,
      message: 'Topic already has 5 partition(s).',
    })
    await expect(registry.addPartitions('grow', 3)).rejects.toMatchObject({
      code: ErrorCode.INVALID_PARTITIONS,
      message: 'The topic grow currently has 5 partition(s); 3 would not be an increase.',
    })
    await expect(registry.addPartitions('nope', 3)).rejects.toMatchObject({ code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })
    const reopened = await TopicRegistry.open(dir)
    expect([...reopened.list()].map((t) => [t.name, t.partitions])).toEqual([
      ['grow', 5],
      ['after', 1],
    ])
  })

  it('serializes concurrent creates of one name', async () => {
    const registry = await TopicRegistry.open(tempDir())
    const results = await Promise.allSettled([1, 2, 3].map(() => registry.create({ name: 'race', partitions: 1 })))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(registry.size).toBe(1)
  })

  it('refuses a damaged file with a clear error', async () => {
    const dir = tempDir()
    await writeFile(join(dir, TOPIC_REGISTRY_FILE), '{"version":1,"topics":[{"name":"x"}]}')
    await expect(TopicRegistry.open(dir)).rejects.toThrow(/brook-topics\.json cannot be read: malformed topic entry/)
    expect(await readFile(join(dir, TOPIC_REGISTRY_FILE), 'utf8')).toContain('"x"')
  })
})
