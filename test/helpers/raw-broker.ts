/**
 * One test broker and one RawClient connected to it for a whole test file: the setup every
 * protocol-level test file repeated (beforeAll start and connect, afterAll close both).
 */
import { afterAll, beforeAll } from 'vitest'
import type { Broker } from '../../src/broker.js'
import type { ApiCodec } from '../../src/protocol/generated/api-keys.js'
import { startTestBroker } from './broker.js'
import type { TestBrokerOptions } from './broker.js'
import { RawClient } from './raw-client.js'

export interface BrokerWithRawClient {
  /** Valid from beforeAll on. */
  readonly broker: Broker
  /** Valid from beforeAll on. */
  readonly client: RawClient
  /** Sends one request on `client` and returns the body of its response. */
  call<Req, Res>(api: ApiCodec<Req, Res>, version: number, request: Req): Promise<Res>
  /**
   * Closes the client and the broker (if not closed already), starts a broker with the same
   * options (so over the same log dirs when the options name them) and connects a new client.
   */
  restart(): Promise<void>
}

/** Registers beforeAll/afterAll hooks in the calling test file; call it at the file's top level. */
export function brokerWithRawClient(options: TestBrokerOptions = {}): BrokerWithRawClient {
  let broker: Broker | undefined
  let client: RawClient | undefined
  const start = async (): Promise<void> => {
    broker = await startTestBroker(options)
    client = await RawClient.connect(broker.bootstrap)
  }
  beforeAll(start)
  afterAll(async () => {
    client?.close()
    await broker?.close()
  })

  const fixture: BrokerWithRawClient = {
    get broker() {
      if (!broker) throw new Error('brokerWithRawClient: the broker is not started yet (use it inside a test or hook)')
      return broker
    },
    get client() {
      if (!client) throw new Error('brokerWithRawClient: the client is not connected yet (use it inside a test or hook)')
      return client
    },
    // Not `this`: callers destructure `call`.
    async call(api, version, request) {
      fixture.client.send(api, version, request)
      return (await fixture.client.receive(api, version)).body
    },
    async restart() {
      fixture.client.close()
      await fixture.broker.close()
      await start()
    },
  }
  return fixture
}
