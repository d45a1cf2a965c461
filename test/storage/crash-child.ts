/**
 * The process the crash test kills: appends continuously to one partition (several appends
 * in flight, small segments so that it rolls) and prints one line per acknowledged append:
 * "<baseOffset> <seq> <records>". Stdout to a pipe is synchronous on Linux, so every line
 * printed was acknowledged before the SIGKILL could land.
 */
import { buildBatch } from '../../src/protocol/records/batch-builder.js'
import { LogManager } from '../../src/storage/log-manager.js'
import { logConfig } from '../../src/storage/log-config.js'
import { crashValue } from './helpers.js'

const [dir, cycleArg] = process.argv.slice(2)
const cycle = Number(cycleArg)
const config = logConfig({ segmentBytes: 64 * 1024, indexIntervalBytes: 1024 })
const manager = await LogManager.open({ logDirs: [dir!], configFor: () => config })
const log = manager.getLog('crash', 0) ?? (await manager.createLog('crash', 0, { topicId: null }))
process.stdout.write('ready\n')

let seq = 0
async function appender(): Promise<never> {
  for (;;) {
    const s = seq++
    const n = 1 + (s % 5)
    const records = Array.from({ length: n }, (_, k) => ({ timestamp: Date.now(), key: null, value: crashValue(cycle, s, k) }))
    const res = await log.append(buildBatch(records))
    process.stdout.write(`${res.baseOffset} ${s} ${n}\n`)
  }
}
await Promise.all(Array.from({ length: 4 }, appender))
