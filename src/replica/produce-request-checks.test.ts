import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../protocol/error-codes.js'
import type { ProduceRequest } from '../protocol/generated/produce.js'
import { buildBatch } from '../protocol/records/batch-builder.js'
import { BATCH } from '../protocol/records/batch-header.js'
import { produceRequestRejection, rejectedProduceResponses } from './produce-request-checks.js'

const plain = () => buildBatch([{ timestamp: 1, value: Buffer.from('v') }])
const txn = () => buildBatch([{ timestamp: 1, value: Buffer.from('v') }], { transactional: true, producerId: 1, producerEpoch: 0, baseSequence: 0 })

function req(records: (Buffer | null)[], transactionalId: string | null = null): ProduceRequest {
  return { transactionalId, acks: -1, timeoutMs: 0, topicData: [{ name: 't', partitionData: records.map((r, index) => ({ index, records: r })) }] }
}

function withLength(length: number): Buffer {
  const b = plain()
  b.writeInt32BE(length, BATCH.LENGTH)
  return b
}

function withMagic(magic: number): Buffer {
  const b = plain()
  b.writeInt8(magic, BATCH.MAGIC)
  return b
}

describe('produceRequestRejection', () => {
  it('lets plain requests through, with or without records', () => {
    expect(produceRequestRejection(req([plain(), null, Buffer.alloc(5), plain().subarray(0, 30)]))).toBeNull()
  })

  it('refuses transactional batches without a transactional id, and only then', () => {
    expect(produceRequestRejection(req([plain(), txn()]))).toEqual({
      errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      errorMessage: 'Transactional Id authorization failed.',
    })
    expect(produceRequestRejection(req([plain(), txn()], 'tx'))).toBeNull()
  })

  it('fails the request when a first batch header is corrupt, as Kafka’s iterator throws', () => {
    expect(produceRequestRejection(req([plain(), withLength(13)]))).toEqual({
      errorCode: ErrorCode.CORRUPT_MESSAGE,
      errorMessage: 'Record size 13 is less than the minimum record overhead (14)',
    })
    expect(produceRequestRejection(req([withMagic(-1)]))?.errorMessage).toBe('Invalid magic found in record: -1')
    expect(produceRequestRejection(req([withMagic(3)]))?.errorMessage).toBe('Invalid magic found in record: 3')
    // Magic 0 and 1 are batches Kafka can iterate: their partition fails later, on its own.
    expect(produceRequestRejection(req([withMagic(1)]))).toBeNull()
  })

  it('stops at the first transactional batch, as Kafka does: a later corrupt header is left to its partition', () => {
    expect(produceRequestRejection(req([txn(), withMagic(9)], 'tx'))).toBeNull()
    expect(produceRequestRejection(req([withMagic(9), txn()], 'tx'))?.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE)
  })
})

describe('rejectedProduceResponses', () => {
  it('answers each partition once, grouped by topic, with -1 offsets and the message', () => {
    const request: ProduceRequest = {
      transactionalId: null,
      acks: 1,
      timeoutMs: 0,
      topicData: [
        { name: 'a', partitionData: [{ index: 0, records: null }, { index: 1, records: null }] },
        { name: 'b', partitionData: [{ index: 0, records: null }] },
        { name: 'a', partitionData: [{ index: 0, records: null }] },
      ],
    }
    const res = rejectedProduceResponses(request, { errorCode: ErrorCode.CORRUPT_MESSAGE, errorMessage: 'bad' })
    expect(res.map((t) => [t.name, t.partitionResponses.map((p) => p.index)])).toEqual([['a', [0, 1]], ['b', [0]]])
    expect(res[0]!.partitionResponses[0]).toEqual({
      index: 0,
      errorCode: ErrorCode.CORRUPT_MESSAGE,
      baseOffset: -1n,
      logAppendTimeMs: -1n,
      logStartOffset: -1n,
      recordErrors: [],
      errorMessage: 'bad',
      currentLeader: { leaderId: -1, leaderEpoch: -1 },
    })
  })
})
