import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/storage/helpers.js'
import { nativeAddon, type BrookAddon } from '../native-addon.js'
import { WriteBatcher, type WriteDone } from './write-batcher.js'

type WriteBatch = NonNullable<BrookAddon['writeBatch']>
const addonBatch = nativeAddon()?.writeBatch

/** Runs `writes` through `batcher` in one turn; resolves with each one's error (null when written). */
function writeAll(batcher: WriteBatcher, writes: Array<[fd: number, bufs: Buffer[], position: number]>): Promise<Array<Error | null>> {
  return Promise.all(writes.map(([fd, bufs, position]) => new Promise<Error | null>((resolve) => batcher.write(fd, bufs, position, resolve))))
}

describe.each([
  ['the addon', addonBatch, 0],
  ['node:fs', undefined, 0],
  ['synchronous writes', undefined, 64 * 1024],
] as Array<[string, WriteBatch | undefined, number]>)('WriteBatcher through %s', (name, batch, syncBytes) => {
  it.runIf(name !== 'the addon' || batch !== undefined)('writes each file its buffers, in order, at its position', async () => {
    const dir = await tempDir()
    const paths = [0, 1, 2].map((i) => join(dir, `f${i}`))
    const fds = paths.map((p) => openSync(p, 'w+'))
    const batcher = new WriteBatcher(batch, { syncBytes })
    const errors = await writeAll(batcher, [
      [fds[0]!, [Buffer.from('abc'), Buffer.from('def')], 0],
      [fds[1]!, [Buffer.from('xyz')], 0],
      [fds[2]!, [Buffer.alloc(0), Buffer.from('12')], 0],
    ])
    expect(errors).toEqual([null, null, null])
    // A second turn appends after what the first wrote.
    expect(await writeAll(batcher, [[fds[0]!, [Buffer.from('g')], 6]])).toEqual([null])
    for (const fd of fds) closeSync(fd)
    expect(paths.map((p) => readFileSync(p, 'utf8'))).toEqual(['abcdefg', 'xyz', '12'])
  })

  it.runIf(name !== 'the addon' || batch !== undefined)('fails only the write whose file is bad', async () => {
    const dir = await tempDir()
    const fd = openSync(join(dir, 'ok'), 'w+')
    const readOnly = openSync(join(dir, 'ok'), 'r')
    const errors = await writeAll(new WriteBatcher(batch, { syncBytes }), [
      [readOnly, [Buffer.from('no')], 0],
      [fd, [Buffer.from('yes')], 0],
    ])
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('EBADF')
    expect(errors[1]).toBeNull()
    closeSync(fd)
    closeSync(readOnly)
    expect(readFileSync(join(dir, 'ok'), 'utf8')).toBe('yes')
  })
})

describe.runIf(addonBatch !== undefined)('WriteBatcher jobs', () => {
  it('splits a turn into jobs of about 256 KiB, so that big turns use several pool threads', async () => {
    const dir = await tempDir()
    const fd = openSync(join(dir, 'big'), 'w+')
    const jobs: number[] = []
    const batcher = new WriteBatcher(
      (writes, buffers, done) => {
        jobs.push(writes.length / 3)
        addonBatch!(writes, buffers, done)
      },
      { syncBytes: 0 },
    )
    const chunk = Buffer.alloc(16 * 1024, 7)
    const errors = await writeAll(batcher, Array.from({ length: 40 }, (_, i) => [fd, [chunk], i * chunk.length] as [number, Buffer[], number]))
    expect(errors.every((e) => e === null)).toBe(true)
    expect(jobs).toEqual([16, 16, 8])
    closeSync(fd)
    expect(readFileSync(join(dir, 'big')).length).toBe(40 * chunk.length)
  })

  it('while writes are in flight, gathers those of separate callbacks in one iteration', async () => {
    const dir = await tempDir()
    const fd = openSync(join(dir, 'f'), 'w+')
    const jobs: number[] = []
    let release = (): void => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    const batcher = new WriteBatcher(
      (writes, buffers, done) => {
        jobs.push(writes.length / 3)
        // The first job stays in flight until released.
        if (jobs.length === 1) void held.then(() => addonBatch!(writes, buffers, done))
        else addonBatch!(writes, buffers, done)
      },
      { syncBytes: 0 },
    )
    const chunk = (c: string): Buffer[] => [Buffer.from(c)]
    const first = writeAll(batcher, [[fd, chunk('a'), 0], [fd, chunk('b'), 1]])
    // Two callbacks of one check phase, as two I/O completions of one poll phase would be.
    const later = new Promise<Array<Error | null>>((resolve) => {
      const out: Array<Promise<Error | null>> = []
      setImmediate(() => out.push(new Promise((r) => batcher.write(fd, chunk('c'), 2, r))))
      setImmediate(() => {
        out.push(new Promise((r) => batcher.write(fd, chunk('d'), 3, r)))
        resolve(Promise.all(out))
      })
    })
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
    expect(jobs).toEqual([2, 2])
    release()
    expect([...(await first), ...(await later)]).toEqual([null, null, null, null])
    closeSync(fd)
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('abcd')
  })

  it('calls every write back even when one callback throws', async () => {
    const dir = await tempDir()
    const fd = openSync(join(dir, 'f'), 'w+')
    const thrown = new Error('a callback failed')
    const seen: unknown[] = []
    const onUncaught = (err: unknown): void => void seen.push(err)
    process.prependListener('uncaughtException', onUncaught)
    try {
      const batcher = new WriteBatcher(addonBatch, { syncBytes: 0 })
      const second = new Promise<Error | null>((resolve) => {
        const throwing: WriteDone = () => {
          throw thrown
        }
        batcher.write(fd, [Buffer.from('a')], 0, throwing)
        batcher.write(fd, [Buffer.from('b')], 1, resolve)
      })
      expect(await second).toBeNull()
      await new Promise((resolve) => setImmediate(resolve))
      expect(seen).toContain(thrown)
    } finally {
      process.off('uncaughtException', onUncaught)
      closeSync(fd)
    }
  })
})

describe('WriteBatcher synchronous writes', () => {
  /** A writeBatch that counts its jobs and writes them through node:fs. */
  function countingPool(): { batch: WriteBatch; jobs: number[] } {
    const jobs: number[] = []
    const batch: WriteBatch = (writes, buffers, done) => {
      jobs.push(writes.length / 3)
      let b = 0
      for (let i = 0; i < writes.length; i += 3) {
        writeSync(writes[i]!, Buffer.concat(buffers.slice(b, b + writes[i + 2]!)), 0, undefined, writes[i + 1]!)
        b += writes[i + 2]!
      }
      setImmediate(done)
    }
    return { batch, jobs }
  }

  it('writes a small turn on the event loop, calling back only after write returns', async () => {
    const dir = await tempDir()
    const fd = openSync(join(dir, 'f'), 'w+')
    const { batch, jobs } = countingPool()
    const batcher = new WriteBatcher(batch, { syncBytes: 4 })
    let returned = false
    const calledBack = new Promise<Array<[Error | null, boolean]>>((resolve) => {
      const seen: Array<[Error | null, boolean]> = []
      batcher.write(fd, [Buffer.from('ab')], 0, (err) => seen.push([err, returned]))
      batcher.write(fd, [Buffer.from('cd')], 2, (err) => resolve([...seen, [err, returned]]))
      returned = true
    })
    expect(await calledBack).toEqual([[null, true], [null, true]])
    expect(jobs).toEqual([])
    // Over syncBytes: the pool.
    expect(await writeAll(batcher, [[fd, [Buffer.from('efgh')], 4], [fd, [Buffer.from('ijkl')], 8]])).toEqual([null, null])
    expect(jobs).toEqual([2])
    closeSync(fd)
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('abcdefghijkl')
  })

  it('writes at most 256 KiB per event-loop iteration synchronously, then lets other work in', async () => {
    const dir = await tempDir()
    const fd = openSync(join(dir, 'f'), 'w+')
    const batcher = new WriteBatcher(undefined)
    const chunk = Buffer.alloc(16 * 1024, 1)
    let written = 0
    let writtenBeforeYield = -1
    setImmediate(() => (writtenBeforeYield = written))
    // Each write starts when the one before it is done: without I/O between them, as one partition appending in a loop.
    for (let i = 0; i < 20; i++) {
      expect(await new Promise<Error | null>((resolve) => batcher.write(fd, [chunk], i * chunk.length, resolve))).toBeNull()
      written++
    }
    expect(writtenBeforeYield).toBe(16)
    closeSync(fd)
    expect(readFileSync(join(dir, 'f')).length).toBe(20 * chunk.length)
  })

  it('after a slow synchronous write, sends every write to the pool for a while', async () => {
    const dir = await tempDir()
    const fd = openSync(join(dir, 'f'), 'w+')
    const { batch, jobs } = countingPool()
    // The first turn: the pause check, then a write that takes 11 ms. Then time stands still at 11.
    const times = [0, 0, 11]
    let clock = 11
    const batcher = new WriteBatcher(batch, { now: () => times.shift() ?? clock })
    const turn = (at: number): Array<[number, Buffer[], number]> => [[fd, [Buffer.from('x')], at], [fd, [Buffer.from('y')], at + 1]]
    expect(await writeAll(batcher, turn(0))).toEqual([null, null])
    expect(jobs).toEqual([])
    expect(await writeAll(batcher, turn(2))).toEqual([null, null])
    expect(jobs).toEqual([2])
    clock = 5_011
    expect(await writeAll(batcher, turn(4))).toEqual([null, null])
    expect(jobs).toEqual([2])
    closeSync(fd)
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('xyxyxy')
  })
})
