// The jest globalSetup shown in docs/embedding.md. Jest runs it in its own context: the handle
// goes on globalThis for globalTeardown, the address into the environment for the test workers.
import { startBroker } from '../../../src/index.js'
import type { BrokerHandle } from '../../../src/index.js'

declare global {
  var __BROOK__: BrokerHandle | undefined
}

export default async function globalSetup(): Promise<void> {
  globalThis.__BROOK__ = await startBroker({ logLevel: 'warn' })
  process.env['KAFKA_BOOTSTRAP'] = globalThis.__BROOK__.bootstrap
}
