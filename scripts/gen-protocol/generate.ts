/**
 * Turns the schema folders into the generated file set (path relative to the output folder
 * → content) and writes it, replacing whatever the output folder held before.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { apiOf, emitApiKeys, emitApiModule, emitCodecs, emitHeaders, emitRecordModule, type Api } from './emit-files.js'
import { kebabCase, readMessage, type MessageSpec } from './schema.js'

function readDir(dir: string): MessageSpec[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readMessage(path.join(dir, f)))
}

export function generate(messagesDir: string, recordsDir: string): Map<string, string> {
  const messages = readDir(messagesDir)
  const byName = new Map(messages.map((m) => [m.name, m]))
  const apis: Api[] = messages
    .filter((m) => m.type === 'request')
    .map((q) => {
      const s = byName.get(q.name.replace(/Request$/, 'Response'))
      if (!s || s.apiKey !== q.apiKey) throw new Error(`${q.name}: no matching response schema`)
      return apiOf(q, s)
    })
    .sort((a, b) => a.request.apiKey! - b.request.apiKey!)
  const files = new Map<string, string>()
  for (const api of apis) files.set(`${api.file}.ts`, emitApiModule(api))
  const header = (n: string): MessageSpec => {
    const m = byName.get(n)
    if (!m) throw new Error(`missing ${n}.json`)
    return m
  }
  files.set('headers.ts', emitHeaders(header('RequestHeader'), header('ResponseHeader')))
  files.set('api-keys.ts', emitApiKeys(apis))
  files.set('codecs.ts', emitCodecs(apis))
  for (const m of messages.filter((x) => x.type === 'data')) files.set(`data/${kebabCase(m.name)}.ts`, emitRecordModule(m))
  for (const m of readDir(recordsDir).filter((x) => x.type === 'data')) {
    files.set(`records/${kebabCase(m.name)}.ts`, emitRecordModule(m))
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

export function writeGenerated(files: ReadonlyMap<string, string>, outDir: string): void {
  rmSync(outDir, { recursive: true, force: true })
  for (const [rel, content] of files) {
    const file = path.join(outDir, rel)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, content)
  }
}
