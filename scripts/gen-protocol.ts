/**
 * Generates src/protocol/generated from Kafka's JSON schemas.
 * Usage: tsx scripts/gen-protocol.ts [messagesDir] [outDir]
 * Defaults: ../shared/kafka-protocol/messages (records/ beside it) and src/protocol/generated,
 * both relative to the repository root; given paths are relative to the working directory.
 */
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { generate, writeGenerated } from './gen-protocol/generate.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const [messagesArg, outArg] = process.argv.slice(2)
const messagesDir = messagesArg ? path.resolve(messagesArg) : path.resolve(root, '../shared/kafka-protocol/messages')
const outDir = outArg ? path.resolve(outArg) : path.resolve(root, 'src/protocol/generated')
const files = generate(messagesDir, path.join(messagesDir, '..', 'records'))
writeGenerated(files, outDir)
let bytes = 0
for (const content of files.values()) bytes += Buffer.byteLength(content)
console.log(`wrote ${files.size} files (${bytes} bytes) to ${path.relative(process.cwd(), outDir) || '.'}`)
