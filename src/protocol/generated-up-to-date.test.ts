/** Fails when src/protocol/generated is not what the generator makes from the schemas. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { generate, writeGenerated } from '../../scripts/gen-protocol/generate.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const messagesDir = path.resolve(root, '../shared/kafka-protocol/messages')
const committedDir = path.join(root, 'src/protocol/generated')

function contents(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
  return new Map(files.map((d) => {
    const file = path.join(d.parentPath, d.name)
    return [path.relative(dir, file), readFileSync(file, 'utf8')]
  }))
}

it('src/protocol/generated is up to date with the generator and the schemas', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'brook-gen-'))
  try {
    writeGenerated(generate(messagesDir, path.join(messagesDir, '..', 'records')), tmp)
    const fresh = contents(tmp)
    const committed = contents(committedDir)
    const problems: string[] = []
    for (const [file, text] of fresh) {
      if (!committed.has(file)) problems.push(`missing ${file}`)
      else if (committed.get(file) !== text) problems.push(`differs ${file}`)
    }
    for (const file of committed.keys()) if (!fresh.has(file)) problems.push(`stale ${file}`)
    expect(problems, 'src/protocol/generated is out of date: run `npm run gen:protocol` and commit the result').toEqual([])
    expect(fresh.size).toBeGreaterThan(100)
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
})
