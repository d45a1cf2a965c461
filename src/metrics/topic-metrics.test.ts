import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../protocol/error-codes.js'
import type { FetchResponse } from '../protocol/generated/fetch.js'
import type { ProduceRequest, TopicProduceResponse } from '../protocol/generated/produce.js'
import { buildBatch } from '../protocol/records/batch-builder.js'
import { renderFamilies } from './exposition.js'
import { TopicMetrics, recordCount } from './topic-metrics.js'

const records = (n: number): Buffer =>
  buildBatch(Array.from({ length: n }, (_, i) => ({ timestamp: 1, key: null, value: Buffer.from(`v${i}`), headers: [] })))

function lines(m: TopicMetrics): string[] {
  return renderFamilies(m.families()).split('\n').filter((l) => l !== '' && !l.startsWith('#'))
}

function partitionResponse(index: number, errorCode: number): TopicProduceResponse['partitionResponses'][number] {
  return { index, errorCode, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 } }
}

describe('TopicMetrics', () => {
  it('reads record counts from the headers of every batch in a buffer', () => {
    expect(recordCount(Buffer.concat([records(3), records(1), records(7)]))).toBe(11)
    expect(recordCount(Buffer.alloc(0))).toBe(0)
  })

  it('counts bytes and records of the appended partitions only, failures apart', () => {
    const m = new TopicMetrics()
    const ok = Buffer.concat([records(2), records(3)])
    const rejected = records(4)
    const request: ProduceRequest = {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 'a', partitionData: [{ index: 0, records: ok }, { index: 1, records: rejected }] }],
    }
    m.produced(request, [{ name: 'a', partitionResponses: [partitionResponse(1, ErrorCode.CORRUPT_MESSAGE), partitionResponse(0, ErrorCode.NONE)] }])
    const out = lines(m)
    expect(out).toContain('kafka_server_brokertopicmetrics_messagesin_total{topic="a"} 5')
    expect(out).toContain(`kafka_server_brokertopicmetrics_bytesin_total{topic="a"} ${ok.length}`)
    expect(out).toContain('kafka_server_brokertopicmetrics_totalproducerequests_total{topic="a"} 2')
    expect(out).toContain('kafka_server_brokertopicmetrics_failedproducerequests_total{topic="a"} 1')
  })

  it('names fetched topics by id from Fetch v13 on, and forgets topics that are gone', () => {
    const m = new TopicMetrics()
    const data = records(2)
    const response = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      nodeEndpoints: [],
      responses: [
        {
          topic: '',
          topicId: 'ID-B',
          partitions: [
            { partitionIndex: 0, errorCode: ErrorCode.NONE, records: data },
            { partitionIndex: 1, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, records: null },
          ],
        },
      ],
    } as unknown as FetchResponse
    m.fetched(response, { byId: (id) => (id === 'ID-B' ? { name: 'b' } : undefined) })
    expect(lines(m)).toEqual(
      expect.arrayContaining([
        `kafka_server_brokertopicmetrics_bytesout_total{topic="b"} ${data.length}`,
        'kafka_server_brokertopicmetrics_totalfetchrequests_total{topic="b"} 2',
        'kafka_server_brokertopicmetrics_failedfetchrequests_total{topic="b"} 1',
      ]),
    )
    m.retain((t) => t !== 'b')
    expect(lines(m)).toEqual([])
  })
})
