import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ErrorCode } from '../protocol/error-codes.js'
import { PRODUCER_IDS_FILE, ProducerIdManager } from './producer-id-manager.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brook-pid-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const stored = async (): Promise<unknown> => JSON.parse(await readFile(join(dir, PRODUCER_IDS_FILE), 'utf8'))

describe('ProducerIdManager', () => {
  it('hands out ids from 0 and reserves each block on disk before using it', async () => {
    const ids = await ProducerIdManager.open(dir, { blockSize: 10 })
    expect(await ids.generate()).toBe(0n)
    expect(await stored()).toEqual({ version: 1, nextBlockStart: '10' })
    const rest = []
    for (let i = 0; i < 14; i++) rest.push(await ids.generate())
    expect(rest).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n, 12n, 13n, 14n])
    expect(await stored()).toEqual({ version: 1, nextBlockStart: '20' })
  })

  it('never repeats an id after a restart, even without a clean shutdown', async () => {
    const first = await ProducerIdManager.open(dir, { blockSize: 10 })
    const before = [await first.generate(), await first.generate(), await first.generate()]
    // No close: the process may die at any point; the next open skips the rest of the block.
    const second = await ProducerIdManager.open(dir, { blockSize: 10 })
    const after = await second.generate()
    expect(after).toBe(10n)
    expect(before).not.toContain(after)
  })

  it('gives distinct ids to concurrent callers across block boundaries', async () => {
    const ids = await ProducerIdManager.open(dir, { blockSize: 4 })
    const got = await Promise.all(Array.from({ length: 25 }, () => ids.generate()))
    expect(new Set(got).size).toBe(25)
    expect([...got].sort((a, b) => Number(a - b))).toEqual(Array.from({ length: 25 }, (_, i) => BigInt(i)))
  })

  it('prefetches the next block once 90% of the current one is used', async () => {
    const ids = await ProducerIdManager.open(dir, { blockSize: 10 })
    for (let i = 0; i < 9; i++) await ids.generate()
    await expect.poll(stored).toEqual({ version: 1, nextBlockStart: '20' })
  })

  it('answers COORDINATOR_LOAD_IN_PROGRESS when the block cannot be written, and reports it', async () => {
    const errors: unknown[] = []
    const ids = await ProducerIdManager.open(join(dir, 'missing'), { onError: (err) => errors.push(err) })
    await expect(ids.generate()).rejects.toMatchObject({ code: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS })
    expect(errors).toHaveLength(1)
  })

  it('refuses a file it cannot read rather than risk reusing ids', async () => {
    await writeFile(join(dir, PRODUCER_IDS_FILE), '{"version":1,"nextBlockStart":-3}')
    await expect(ProducerIdManager.open(dir)).rejects.toThrow(/not a producer id file/)
  })
})
