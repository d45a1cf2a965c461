/** Replaces a small file atomically: write a `.tmp` sibling, fsync it, rename it over, fsync the dir. */
import { open, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fsyncDir } from './file-io.js'

export async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp`
  const fh = await open(tmp, 'w')
  try {
    await fh.writeFile(content)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, path)
  await fsyncDir(dirname(path))
}
