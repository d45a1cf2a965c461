import { open, rename, rm } from 'node:fs/promises'
import { dirname, join, basename } from 'node:path'

/**
 * Replaces `path` with `data` so that a crash leaves either the old or the new content, never a
 * torn mix: write a temp file beside it, fsync it, rename it over the target, fsync the directory
 * so the rename itself is durable.
 */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  const file = await open(temp, 'w')
  try {
    await file.writeFile(data)
    await file.sync()
  } catch (err) {
    await file.close()
    await rm(temp, { force: true })
    throw err
  }
  await file.close()
  await rename(temp, path)
  await syncDirectory(dirname(path))
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
