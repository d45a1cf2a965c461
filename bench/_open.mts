import { pino } from 'pino'
import { LogManager } from '../src/storage/log-manager.js'
const t = performance.now()
const m = await LogManager.open({ logDirs: ['/tmp/recbench/logs'], logger: pino() })
console.log('open ms', (performance.now() - t).toFixed(0), m.getLog('recovery', 0)!.logEndOffset)
process.exit(0)
