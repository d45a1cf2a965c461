/**
 * Per-API request metrics, named after Kafka's `kafka.network:type=RequestMetrics` MBeans as the
 * Prometheus JMX exporter shows them: requests by API and version, error codes found in the
 * responses (Kafka's `errorCounts()`, NONE included), and a latency histogram per API.
 *
 * Recording happens once per request on the hot path, so it allocates nothing after an API's
 * first request: counters live in typed arrays and a Map keyed by error code.
 */
import { ErrorCode, errorName } from '../protocol/error-codes.js'
import type { MetricFamily, Sample } from './exposition.js'

/** Upper bounds (ms) of the latency buckets; a long-poll Fetch lands in the top ones by design. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000] as const

/** Request versions are small (Fetch is at 17); a fixed slot per version avoids growing arrays. */
const VERSION_SLOTS = 64

class ApiStats {
  readonly name: string
  readonly byVersion = new Float64Array(VERSION_SLOTS)
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly buckets = new Float64Array(LATENCY_BUCKETS_MS.length + 1)
  readonly errors = new Map<number, number>()
  sumMs = 0
  count = 0

  constructor(name: string) {
    this.name = name
  }
}

export class RequestMetrics {
  readonly #byKey: (ApiStats | undefined)[] = []

  /**
   * One served (or failed) request. `response` is the response object, whose `errorCode` fields
   * are counted; undefined when the request failed and the connection was closed (counted as
   * UNKNOWN_SERVER_ERROR); null when the request has no response (Produce acks=0).
   */
  record(apiKey: number, name: string, apiVersion: number, elapsedMs: number, response: object | null | undefined): void {
    let stats = this.#byKey[apiKey]
    if (stats === undefined) this.#byKey[apiKey] = stats = new ApiStats(name)
    if (apiVersion >= 0 && apiVersion < VERSION_SLOTS) stats.byVersion[apiVersion]! += 1
    let bucket = 0
    while (bucket < LATENCY_BUCKETS_MS.length && elapsedMs > LATENCY_BUCKETS_MS[bucket]!) bucket++
    stats.buckets[bucket]! += 1
    stats.sumMs += elapsedMs
    stats.count++
    if (response === undefined) increment(stats.errors, ErrorCode.UNKNOWN_SERVER_ERROR)
    else if (response !== null) countErrorCodes(response, stats.errors)
  }

  families(): MetricFamily[] {
    const requests: Sample[] = []
    const errors: Sample[] = []
    const latency: Sample[] = []
    for (const stats of this.#byKey) {
      if (stats === undefined) continue
      const request = stats.name
      stats.byVersion.forEach((n, version) => {
        if (n > 0) requests.push({ labels: { request, version }, value: n })
      })
      for (const [code, n] of [...stats.errors].sort((a, b) => a[0] - b[0])) errors.push({ labels: { request, error: errorName(code) }, value: n })
      let cumulative = 0
      LATENCY_BUCKETS_MS.forEach((le, i) => {
        cumulative += stats.buckets[i]!
        latency.push({ suffix: '_bucket', labels: { request, le }, value: cumulative })
      })
      latency.push(
        { suffix: '_bucket', labels: { request, le: '+Inf' }, value: stats.count },
        { suffix: '_sum', labels: { request }, value: stats.sumMs },
        { suffix: '_count', labels: { request }, value: stats.count },
      )
    }
    return [
      { name: 'kafka_network_requestmetrics_requests_total', help: 'Requests served, by API and version.', type: 'counter', samples: requests },
      {
        name: 'kafka_network_requestmetrics_errors_total',
        help: 'Error codes in responses, by API and error (NONE included); a request that closed its connection counts as UNKNOWN_SERVER_ERROR.',
        type: 'counter',
        samples: errors,
      },
      {
        name: 'kafka_network_requestmetrics_totaltimems',
        help: 'Time from a request being decoded to its response being ready, in milliseconds, by API.',
        type: 'histogram',
        samples: latency,
      },
    ]
  }
}

function increment(map: Map<number, number>, key: number): void {
  map.set(key, (map.get(key) ?? 0) + 1)
}

/** Visits every `errorCode` field of a decoded response; record bytes are not descended into. */
function countErrorCodes(value: object, errors: Map<number, number>): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      if (typeof item === 'object' && item !== null && !ArrayBuffer.isView(item)) countErrorCodes(item, errors)
    }
    return
  }
  for (const key in value) {
    const field: unknown = (value as Record<string, unknown>)[key]
    if (typeof field === 'object') {
      if (field !== null && !ArrayBuffer.isView(field)) countErrorCodes(field, errors)
    } else if (key === 'errorCode' && typeof field === 'number') {
      increment(errors, field)
    }
  }
}
