/**
 * Start-up time of a log after kill -9 (every segment after the recovery point is scanned:
 * read, CRC-checked, indexed) and after a clean shutdown (nothing is scanned).
 */
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { LogManager } from '../../src/storage/log-manager.js'
import { timed, withTempDir } from './common.js'

export interface RecoveryFigures {
  mib: number
  uncleanMs: number
  cleanMs: number
  logEndOffset: number
}

async function fillAndKill(dir: string, mib: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fill-child.ts'), dir, String(mib)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise((resolve) => child.on('exit', resolve))
  for await (const line of createInterface({ input: child.stdout })) if (line === 'filled') child.kill('SIGKILL')
  await exited
}

export async function benchRecovery(mib: number): Promise<RecoveryFigures> {
  return withTempDir(async (dir) => {
    const logDir = join(dir, 'logs')
    mkdirSync(logDir)
    await fillAndKill(logDir, mib)
    let m: LogManager | undefined
    const uncleanMs = await timed(async () => void (m = await LogManager.open({ logDirs: [logDir] })))
    const logEndOffset = m!.getLog('recovery', 0)!.logEndOffset
    await m!.close()
    const cleanMs = await timed(async () => void (m = await LogManager.open({ logDirs: [logDir] })))
    if (m!.getLog('recovery', 0)!.logEndOffset !== logEndOffset) throw new Error('clean restart lost offsets')
    await m!.close()
    return { mib, uncleanMs, cleanMs, logEndOffset }
  })
}
