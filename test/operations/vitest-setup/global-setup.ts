// The vitest global setup shown in docs/embedding.md (with '../../../src/index.js' for 'brook'):
// one broker for the whole run, its address handed to the test files through provide/inject.
import type { TestProject } from 'vitest/node'
import { startBroker } from '../../../src/index.js'

declare module 'vitest' {
  export interface ProvidedContext {
    bootstrap: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const broker = await startBroker({ logLevel: 'warn' })
  project.provide('bootstrap', broker.bootstrap)
  return () => broker.close()
}
