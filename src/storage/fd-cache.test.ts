import { writeFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { readSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/storage/helpers.js'
import { FdCache } from './fd-cache.js'
import { IndexCache } from './index-cache.js'

describe('FdCache', () => {
  it('keeps at most maxOpen unpinned fds, closing the least recently used', async () => {
    const dir = await tempDir()
    const paths = await Promise.all([0, 1, 2, 3].map(async (i) => (await writeFile(join(dir, `f${i}`), `file ${i}`), join(dir, `f${i}`))))
    const cache = new FdCache(2, (err) => { throw err })
    for (const p of paths) (await cache.acquire(p)).release()
    expect(cache.openCount).toBe(2)
    const pinned = await Promise.all(paths.map((p) => cache.acquire(p)))
    expect(cache.openCount).toBe(4)
    const buf = Buffer.alloc(6)
    readSync(pinned[0]!.fd, buf, 0, 6, 0)
    expect(buf.toString()).toBe('file 0')
    pinned.forEach((l) => l.release())
    expect(cache.openCount).toBe(2)
    await cache.closeAll()
  })

  it('follows a rename with the same fd, and closes a forgotten fd at its last release', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'a'), 'abc')
    const cache = new FdCache(8, (err) => { throw err })
    const lease = await cache.acquire(join(dir, 'a'))
    await rename(join(dir, 'a'), join(dir, 'a.deleted'))
    cache.rename(join(dir, 'a'), join(dir, 'a.deleted'))
    const again = cache.acquireOpen(join(dir, 'a.deleted'))
    expect(again?.fd).toBe(lease.fd)
    cache.forget(join(dir, 'a.deleted'))
    expect(cache.openCount).toBe(0)
    lease.release()
    again!.release()
    await expect(cache.acquire(join(dir, 'a'))).rejects.toThrow(/ENOENT/)
  })
})

describe('IndexCache', () => {
  it('unloads the least recently used holders beyond its budget', () => {
    const cache = new IndexCache(100)
    const unloaded: string[] = []
    const holder = (name: string) => ({ unloadIndexes: () => void unloaded.push(name) })
    const [a, b, c] = [holder('a'), holder('b'), holder('c')]
    cache.touch(a, 40)
    cache.touch(b, 40)
    cache.touch(a, 40)
    cache.touch(c, 40)
    expect(unloaded).toEqual(['b'])
    expect(cache.bytes).toBe(80)
    cache.remove(a)
    expect(cache.bytes).toBe(40)
  })
})
