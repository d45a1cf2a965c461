import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/index.js'
import { BrookErrorCode } from '../brook-error.js'
import { DataDirLock } from './data-dir-lock.js'

describe('DataDirLock', () => {
  it('writes our pid and removes the file on release', async () => {
    const dir = tempDir()
    const lock = await DataDirLock.acquire(dir)
    expect(await readFile(join(dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`)
    await lock.release()
    await lock.release()
    await expect(readFile(join(dir, '.lock'))).rejects.toThrow(/ENOENT/)
  })

  it('refuses a dir this process already holds', async () => {
    const dir = tempDir()
    const lock = await DataDirLock.acquire(dir)
    await expect(DataDirLock.acquire(dir)).rejects.toMatchObject({ code: BrookErrorCode.DATA_DIR_LOCKED })
    await lock.release()
    await (await DataDirLock.acquire(dir)).release()
  })

  it('refuses a dir whose lock names a live process', async () => {
    const dir = tempDir()
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
    try {
      await writeFile(join(dir, '.lock'), `${child.pid}\n`)
      await expect(DataDirLock.acquire(dir)).rejects.toThrow(new RegExp(`in use by another broker \\(pid ${child.pid}`))
    } finally {
      child.kill()
    }
  })

  it('takes over a lock whose process is gone', async () => {
    const dir = tempDir()
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' })
    await new Promise((r) => child.on('exit', r))
    await writeFile(join(dir, '.lock'), `${child.pid}\n`)
    const lock = await DataDirLock.acquire(dir)
    expect(await readFile(join(dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`)
    await lock.release()
  })
})
