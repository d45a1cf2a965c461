// InitProducerId for idempotent producers (null transactional id), over the wire: every version,
// ids unique across a restart on the same data dir, and malformed requests.
import { afterEach, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { InitProducerId } from '../../src/protocol/generated/init-producer-id.js'
import type { InitProducerIdRequest } from '../../src/protocol/generated/init-producer-id.js'
import { startTestBroker } from '../helpers/broker.js'
import { tempDir } from '../helpers/index.js'
import { RawClient } from '../helpers/raw-client.js'

const brokers: Broker[] = []
afterEach(async () => {
  for (const b of brokers.splice(0)) await b.close()
})

async function start(logDirs: string): Promise<Broker> {
  const broker = await startTestBroker({ config: { 'log.dirs': logDirs } })
  brokers.push(broker)
  return broker
}

async function init(broker: Broker, version: number, req: Partial<InitProducerIdRequest> = {}) {
  const client = await RawClient.connect(broker.bootstrap)
  try {
    client.send(InitProducerId, version, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1, ...req })
    return (await client.receive(InitProducerId, version)).body
  } finally {
    client.close()
  }
}

describe('InitProducerId without a transactional id', () => {
  it('gives every idempotent producer its own id with epoch 0, at every version', async () => {
    const broker = await start(tempDir())
    const answers = []
    for (let v = 0; v <= 5; v++) answers.push(await init(broker, v))
    for (const a of answers) expect(a).toMatchObject({ errorCode: ErrorCode.NONE, producerEpoch: 0 })
    expect(answers.map((a) => a.producerId)).toEqual([0n, 1n, 2n, 3n, 4n, 5n])
  })

  it('never hands out an id twice across a restart on the same data dir', async () => {
    const dir = tempDir()
    const first = await start(dir)
    const before = [(await init(first, 4)).producerId, (await init(first, 4)).producerId]
    await first.close()
    brokers.splice(0)
    const second = await start(dir)
    const after = (await init(second, 4)).producerId
    expect(before).toEqual([0n, 1n])
    expect(after).toBe(1000n)
  })

  it('answers INVALID_REQUEST for a producer id without an epoch, or an epoch without an id', async () => {
    const broker = await start(tempDir())
    expect(await init(broker, 3, { producerId: 5n, producerEpoch: -1 })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 })
    expect(await init(broker, 3, { producerId: -1n, producerEpoch: 2 })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST })
    // An idempotent producer that asks with its old id and epoch (v3+) simply gets a new id.
    expect(await init(broker, 3, { producerId: 7n, producerEpoch: 2 })).toMatchObject({ errorCode: ErrorCode.NONE, producerId: 0n, producerEpoch: 0 })
  })
})
