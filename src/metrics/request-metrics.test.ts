import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../protocol/error-codes.js'
import { renderFamilies } from './exposition.js'
import { RequestMetrics } from './request-metrics.js'

function samples(metrics: RequestMetrics): string[] {
  return renderFamilies(metrics.families())
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
}

describe('RequestMetrics', () => {
  it('counts requests by version, every errorCode field of a response, and skips record bytes', () => {
    const m = new RequestMetrics()
    const fetchResponse = {
      errorCode: ErrorCode.NONE,
      responses: [
        {
          topic: 't',
          partitions: [
            { partitionIndex: 0, errorCode: ErrorCode.NONE, records: Buffer.from([0, 0, 0, 3]) },
            { partitionIndex: 1, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: null, abortedTransactions: [] },
          ],
        },
      ],
    }
    m.record(1, 'Fetch', 12, 3, fetchResponse)
    m.record(1, 'Fetch', 16, 0.5, fetchResponse)
    m.record(0, 'Produce', 9, 40, null)
    m.record(0, 'Produce', 9, 40_000, undefined)
    const lines = samples(m)
    expect(lines).toContain('kafka_network_requestmetrics_requests_total{request="Fetch",version="12"} 1')
    expect(lines).toContain('kafka_network_requestmetrics_requests_total{request="Fetch",version="16"} 1')
    expect(lines).toContain('kafka_network_requestmetrics_requests_total{request="Produce",version="9"} 2')
    expect(lines).toContain('kafka_network_requestmetrics_errors_total{request="Fetch",error="NONE"} 4')
    expect(lines).toContain('kafka_network_requestmetrics_errors_total{request="Fetch",error="OFFSET_OUT_OF_RANGE"} 2')
    // acks=0 has no response; a request that failed counts as UNKNOWN_SERVER_ERROR.
    expect(lines.filter((l) => l.startsWith('kafka_network_requestmetrics_errors_total{request="Produce"'))).toEqual([
      'kafka_network_requestmetrics_errors_total{request="Produce",error="UNKNOWN_SERVER_ERROR"} 1',
    ])
  })

  it('keeps a cumulative latency histogram in milliseconds', () => {
    const m = new RequestMetrics()
    for (const ms of [0.2, 1, 1.5, 30, 99_999]) m.record(3, 'Metadata', 12, ms, { topics: [] })
    const buckets = new Map(
      samples(m)
        .filter((l) => l.startsWith('kafka_network_requestmetrics_totaltimems_bucket'))
        .map((l) => [/le="([^"]+)"/.exec(l)![1], Number(l.split(' ')[1])]),
    )
    expect(buckets.get('1')).toBe(2)
    expect(buckets.get('2')).toBe(3)
    expect(buckets.get('25')).toBe(3)
    expect(buckets.get('50')).toBe(4)
    expect(buckets.get('30000')).toBe(4)
    expect(buckets.get('+Inf')).toBe(5)
    const lines = samples(m)
    expect(lines).toContain('kafka_network_requestmetrics_totaltimems_count{request="Metadata"} 5')
    expect(lines).toContain(`kafka_network_requestmetrics_totaltimems_sum{request="Metadata"} ${0.2 + 1 + 1.5 + 30 + 99_999}`)
  })
})
