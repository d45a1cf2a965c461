// Incremental fetch sessions (KIP-227) over the wire: opening, incremental answers with only the
// partitions that changed, long polls on a session, forgetting, and the session error codes.
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { Fetch } from '../src/protocol/generated/fetch.js'
import type { FetchRequest, FetchResponse } from '../src/protocol/generated/fetch.js'
import { appendBatch, createTopicWithLogs, decodeFetched, fetchRequest, type PartitionAsk } from './helpers/fetch.js'
import { eventually, uniqueName } from './helpers/index.js'
import { brokerWithRawClient } from './helpers/raw-broker.js'

const env = brokerWithRawClient()

async function fetch(version: number, parts: PartitionAsk[], over: Partial<FetchRequest>): Promise<FetchResponse> {
  env.client.send(Fetch, version, fetchRequest(parts, { maxWaitMs: 0, ...over }))
  return (await env.client.receive(Fetch, version)).body
}

/** "partition:value,value" for each partition in the response. */
const answered = (res: FetchResponse): string[] =>
  res.responses.flatMap((t) => t.partitions.map((p) => `${p.partitionIndex}:${decodeFetched(p.records).map((r) => r.value).join(',')}`))

describe('fetch sessions', () => {
  for (const version of [7, 12, 13, 16]) {
    it(`opens a session and answers incremental fetches with what changed (v${version})`, async () => {
      const name = uniqueName('session')
      const topic = await createTopicWithLogs(env.broker, name, 3)
      const ask = (partition: number, offset = 0n): PartitionAsk =>
        version >= 13 ? { topic: '', topicId: topic.topicId, partition, offset } : { topic: name, partition, offset }
      await appendBatch(env.broker, name, 0, [{ value: 'a0' }])
      const full = await fetch(version, [ask(0), ask(1), ask(2)], { sessionId: 0, sessionEpoch: 0 })
      expect(full.errorCode).toBe(ErrorCode.NONE)
      expect(full.sessionId).not.toBe(0)
      expect(answered(full)).toEqual(['0:a0', '1:', '2:'])
      const sessionId = full.sessionId

      // The client moves partition 0 on; nothing else changed, so nothing is answered.
      const quiet = await fetch(version, [ask(0, 1n)], { sessionId, sessionEpoch: 1 })
      expect(quiet).toMatchObject({ errorCode: 0, sessionId })
      expect(answered(quiet)).toEqual([])

      await appendBatch(env.broker, name, 2, [{ value: 'c0' }])
      const news = await fetch(version, [], { sessionId, sessionEpoch: 2 })
      expect(answered(news)).toEqual(['2:c0'])

      // Forgetting partition 2 leaves it out of the session.
      const forgotten = await fetch(version, [], {
        sessionId,
        sessionEpoch: 3,
        forgottenTopicsData: [{ topic: version >= 13 ? '' : name, topicId: version >= 13 ? topic.topicId : 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [2] }],
      })
      expect(answered(forgotten)).toEqual([])
      await appendBatch(env.broker, name, 2, [{ value: 'c1' }])
      await appendBatch(env.broker, name, 1, [{ value: 'b0' }])
      expect(answered(await fetch(version, [], { sessionId, sessionEpoch: 4 }))).toEqual(['1:b0'])
    })
  }

  it('long-polls the partitions of the session', async () => {
    const name = uniqueName('session-poll')
    await createTopicWithLogs(env.broker, name, 2)
    const full = await fetch(12, [0, 1].map((partition) => ({ topic: name, partition })), { sessionId: 0, sessionEpoch: 0 })
    env.client.send(Fetch, 12, fetchRequest([], { sessionId: full.sessionId, sessionEpoch: 1, maxWaitMs: 5000 }))
    await eventually(() => expect(env.broker.fetches.purgatory.size).toBe(1))
    await appendBatch(env.broker, name, 1, [{ value: 'late' }])
    expect(answered((await env.client.receive(Fetch, 12)).body)).toEqual(['1:late'])
  })

  it('answers an unknown session FETCH_SESSION_ID_NOT_FOUND and a wrong epoch INVALID_FETCH_SESSION_EPOCH', async () => {
    const name = uniqueName('session-errors')
    await createTopicWithLogs(env.broker, name, 1)
    const missing = await fetch(12, [], { sessionId: 123456, sessionEpoch: 1 })
    expect(missing).toMatchObject({ errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] })
    const full = await fetch(12, [{ topic: name, partition: 0 }], { sessionId: 0, sessionEpoch: 0 })
    const wrong = await fetch(12, [], { sessionId: full.sessionId, sessionEpoch: 5 })
    expect(wrong).toMatchObject({ errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, responses: [] })
  })

  it('closes a session with epoch -1 and answers without one', async () => {
    const name = uniqueName('session-close')
    await createTopicWithLogs(env.broker, name, 1)
    const full = await fetch(12, [{ topic: name, partition: 0 }], { sessionId: 0, sessionEpoch: 0 })
    const closing = await fetch(12, [{ topic: name, partition: 0 }], { sessionId: full.sessionId, sessionEpoch: -1 })
    expect(closing).toMatchObject({ errorCode: 0, sessionId: 0 })
    expect((await fetch(12, [], { sessionId: full.sessionId, sessionEpoch: 1 })).errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
  })
})
