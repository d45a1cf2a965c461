import { spawn } from 'node:child_process'
import { closeSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/storage/helpers.js'
import { nativeAddon, type QueueWrites } from '../native-addon.js'
import { WriteBatcher, type CreateWriteQueue, type WriteDone } from './write-batcher.js'

const addonQueue = nativeAddon()?.createWriteQueue

/**
 * The addon's queue, recording how many writes each call queued; `hold` keeps the first call's
 * writes out of the queue until it resolves.
 */
function recordingQueue(calls: number[], hold?: Promise<void>): CreateWriteQueue {
  return (onWritten, results, threads) => {
    const queue = addonQueue!(onWritten, results, threads)
    return (writes, buffers) => {
      calls.push(writes.length / 4)
      if (calls.length === 1 && hold !== undefined) void hold.then(() => queue(writes, buffers))
      else queue(writes, buffers)
    }
  }
}

/** Runs `writes` through `batcher` in one turn; resolves with each one's error (null when written). */
function writeAll(batcher: WriteBatcher, writes: Array<[fd: number, bufs: Buffer[], position: number]>): Promise<Array<Error | null>> {
  return Promise.all(writes.map(([fd, bufs, position]) => new Promise<Error | null>((resolve) => batcher.write(fd, bufs, position, resolve))))
}

describe.each([
  ['the addon', addonQueue, 0],
  ['node:fs', undefined, 0],
  ['synchronous writes', undefined, 64 * 1024],
] as Array<[string, CreateWriteQueue | undefined, number]>)('WriteBatcher through %s', (name, queue, syncBytes) => {
  it.runIf(name !== 'the addon' || queue !== undefined)('writes each file its buffers, in order, at its position', async () => {
    const dir = await tempDir()
    const paths = [0, 1, 2].map((i) => join(dir, `f${i}`))
    const fds = paths.map((p) => openSync(p, 'w+'))
    const batcher = new WriteBatcher(queue, { syncBytes })
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

  it.runIf(name !== 'the addon' || queue !== undefined)('fails only the write whose file is bad', async () => {
    const dir = await tempDir()
    const fd = openSync(join(dir, 'ok'), 'w+')
    const readOnly = openSync(join(dir, 'ok'), 'r')
    const errors = await writeAll(new WriteBatcher(queue, { syncBytes }), [
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

describe.runIf(addonQueue !== undefined)('WriteBatcher through the addon\'s queue', () => {
  it('queues a job once it holds 256 KiB, before its turn ends, and the rest when it ends', async () => {
    const dir = await tempDir()
    const fd = openSync(join(dir, 'big'), 'w+')
    const calls: number[] = []
    const batcher = new WriteBatcher(recordingQueue(calls), { syncBytes: 0 })
    const chunk = Buffer.alloc(16 * 1024, 7)
    const written = writeAll(batcher, Array.from({ length: 40 }, (_, i) => [fd, [chunk], i * chunk.length] as [number, Buffer[], number]))
    expect(calls).toEqual([16, 16])
    expect((await written).every((e) => e === null)).toBe(true)
    expect(calls).toEqual([16, 16, 8])
    closeSync(fd)
    expect(readFileSync(join(dir, 'big')).length).toBe(40 * chunk.length)
  })

  it('reports more writes than its result slots hold over several callbacks', async () => {
    const dir = await tempDir()
    const fd = openSync(join(dir, 'many'), 'w+')
    const reports: number[] = []
    const batcher = new WriteBatcher(
      (onWritten, results, threads) => {
        const recorded = (count: number): void => {
          reports.push(count)
          onWritten(count)
        }
        const queue = addonQueue!(recorded, results, threads)
        const queueAndWait: QueueWrites = (writes, buffers) => {
          queue(writes, buffers)
          // The event loop waits for every write to land, so that one report holds them all.
          const deadline = Date.now() + 10_000
          while (fstatSync(fd).size < writes.length / 4 && Date.now() < deadline);
        }
        return queueAndWait
      },
      // One writer takes the writes in order: when the last byte has landed, so have all the others.
      { syncBytes: 0, threads: 1 },
    )
    const errors = await writeAll(batcher, Array.from({ length: 3000 }, (_, i) => [fd, [Buffer.from([i % 251])], i] as [number, Buffer[], number]))
    expect(errors.every((e) => e === null)).toBe(true)
    // 16 per callback: the batcher's result slots.
    expect(reports).toEqual([...Array<number>(187).fill(16), 8])
    closeSync(fd)
    expect([...readFileSync(join(dir, 'many'))]).toEqual(Array.from({ length: 3000 }, (_, i) => i % 251))
  })

  it('runs the promise jobs of each callback before the next, so that the writes they set off leave early', async () => {
    const dir = await tempDir()
    const fds = Array.from({ length: 40 }, (_, i) => openSync(join(dir, `f${i}`), 'w+'))
    const chunk = Buffer.alloc(16 * 1024, 5)
    const events: string[] = []
    const writtenFiles = (): number => fds.filter((fd) => fstatSync(fd).size >= chunk.length).length
    let firstWrites = 0
    const batcher = new WriteBatcher(
      (onWritten, results, threads) => {
        const queue = addonQueue!((count) => {
          events.push(`report ${count}`)
          onWritten(count)
        }, results, threads)
        return (writes, buffers) => {
          events.push(`queue ${writes.length / 4}`)
          queue(writes, buffers)
          if (firstWrites < fds.length) {
            // The first 40 writes all land before the event loop hears of any: one report holds them.
            firstWrites += writes.length / 4
            const deadline = Date.now() + 10_000
            while (writtenFiles() < firstWrites && Date.now() < deadline);
          }
        }
      },
      // One writer takes the writes in order.
      { syncBytes: 0, threads: 1 },
    )
    // Each file: a first write, then, once it is acknowledged (a promise job), a second.
    const write = (fd: number, position: number): Promise<Error | null> => new Promise((resolve) => batcher.write(fd, [chunk], position, resolve))
    const results = await Promise.all(fds.map(async (fd) => [await write(fd, 0), await write(fd, chunk.length)]))
    expect(results.flat().every((e) => e === null)).toBe(true)
    // Full jobs of 16 leave as they fill; each report callback's 16 acknowledgements set off a job
    // of 16 second writes before the next callback. The last 8 leave when the turn ends.
    expect(events.slice(0, 9)).toEqual(['queue 16', 'queue 16', 'queue 8', 'report 16', 'queue 16', 'report 16', 'queue 16', 'report 8', 'queue 8'])
    for (const fd of fds) {
      expect(fstatSync(fd).size).toBe(2 * chunk.length)
      closeSync(fd)
    }
  })

  it('keeps the process alive until its writes are reported, and not after', async () => {
    const dir = await tempDir()
    // A process with nothing else to do: it must neither exit before the report nor hang after it.
    const script = `
      const { openSync, fstatSync } = require('node:fs')
      const addon = require(${JSON.stringify(join(import.meta.dirname, '../../native/build/Release/brook.node'))})
      const fd = openSync(${JSON.stringify(join(dir, 'f'))}, 'w')
      const results = new Float64Array(8)
      const queue = addon.createWriteQueue((count) => console.log('reported', count, results[1], fstatSync(fd).size), results, 2)
      queue(new Float64Array([7, fd, 0, 1]), [Buffer.alloc(8 << 20, 1)])
    `
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect([code, out.trim()]).toEqual([0, `reported 1 ${8 << 20} ${8 << 20}`])
  })

  it('while writes are in flight, gathers those of separate callbacks in one iteration', async () => {
    const dir = await tempDir()
    const fd = openSync(join(dir, 'f'), 'w+')
    const calls: number[] = []
    let release = (): void => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    const batcher = new WriteBatcher(recordingQueue(calls, held), { syncBytes: 0 })
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
    expect(calls).toEqual([2, 2])
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
      const batcher = new WriteBatcher(addonQueue, { syncBytes: 0 })
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
  /** A queue that counts its calls, writes through node:fs and reports on the next iteration. */
  function countingPool(): { queue: CreateWriteQueue; jobs: number[] } {
    const jobs: number[] = []
    const queue: CreateWriteQueue = (onWritten, results): QueueWrites => (writes, buffers) => {
      jobs.push(writes.length / 4)
      const written: number[] = []
      for (let i = 0, b = 0; i < writes.length; i += 4) {
        const bufs = buffers.slice(b, (b += writes[i + 3]!)) as Buffer[]
        written.push(writes[i]!, writeSync(writes[i + 1]!, Buffer.concat(bufs), 0, undefined, writes[i + 2]!))
      }
      setImmediate(() => {
        results.set(written)
        onWritten(written.length / 2)
      })
    }
    return { queue, jobs }
  }

  it('writes a small turn on the event loop, calling back only after write returns', async () => {
    const dir = await tempDir()
    const fd = openSync(join(dir, 'f'), 'w+')
    const { queue, jobs } = countingPool()
    const batcher = new WriteBatcher(queue, { syncBytes: 4 })
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
    const { queue, jobs } = countingPool()
    // The first turn: the pause check, then a write that takes 11 ms. Then time stands still at 11.
    const times = [0, 0, 11]
    let clock = 11
    const batcher = new WriteBatcher(queue, { now: () => times.shift() ?? clock })
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
