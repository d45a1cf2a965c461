/**
 * The internal Broker on 127.0.0.1:0 with a temp data dir, for tests that need what the public
 * startBroker() does not offer: their own handlers or a captured logger.
 */
import { Broker } from '../../src/broker.js'
import type { ApiHandler } from '../../src/handlers/handler.js'
import type { Logger } from '../../src/log.js'
import { captureLogs } from './log-capture.js'
import { tempDir } from './index.js'

export interface TestBrokerOptions {
  readonly config?: Readonly<Record<string, string>>
  readonly handlers?: readonly ApiHandler[]
  readonly logger?: Logger
}

export async function startTestBroker(options: TestBrokerOptions = {}): Promise<Broker> {
  const entries = new Map(Object.entries({ listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': tempDir(), ...options.config }))
  return Broker.start({
    configSources: [{ name: 'test', entries }],
    log: options.logger ?? captureLogs('warn').logger,
    ...(options.handlers ? { handlers: options.handlers } : {}),
  })
}
