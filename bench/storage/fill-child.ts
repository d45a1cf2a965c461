/** Appends `mib` MiB of 16 KiB batches to one partition, prints "filled", then waits to be killed. */
import { LogManager } from '../../src/storage/log-manager.js'
import { MiB, batchPool } from './common.js'

const [dir, mibArg] = process.argv.slice(2)
const manager = await LogManager.open({ logDirs: [dir!] })
const log = await manager.createLog('recovery', 0, { topicId: null })
const pool = batchPool(64)
const count = Math.floor((Number(mibArg) * MiB) / pool[0]!.length)
let next = 0
const worker = async (): Promise<void> => {
  for (let i = next++; i < count; i = next++) await log.append(pool[i % pool.length]!)
}
await Promise.all(Array.from({ length: 8 }, worker))
process.stdout.write('filled\n')
setInterval(() => {}, 1000)
