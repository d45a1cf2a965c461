/**
 * Per-topic traffic, after Kafka's `kafka.server:type=BrokerTopicMetrics` MBeans: messages and
 * bytes in (appended), bytes out (fetched), and produce/fetch partition requests with their
 * failures. Counted per partition of a request, never per record: a batch's record count is read
 * from its header.
 */
import { ErrorCode } from '../protocol/error-codes.js'
import type { FetchResponse } from '../protocol/generated/fetch.js'
import type { PartitionProduceResponse, ProduceRequest, TopicProduceResponse } from '../protocol/generated/produce.js'
import { BATCH } from '../protocol/records/batch-header.js'
import type { MetricFamily, Sample } from './exposition.js'

export interface TopicsById {
  byId(topicId: string): { readonly name: string } | undefined
}

class TopicStats {
  messagesIn = 0
  bytesIn = 0
  bytesOut = 0
  produceRequests = 0
  failedProduceRequests = 0
  fetchRequests = 0
  failedFetchRequests = 0
}

type Counter = keyof TopicStats

const FAMILIES: readonly { key: Counter; name: string; help: string }[] = [
  { key: 'messagesIn', name: 'messagesin', help: 'Records appended to the topic (counted from batch headers).' },
  { key: 'bytesIn', name: 'bytesin', help: 'Bytes of record batches appended to the topic by producers.' },
  { key: 'bytesOut', name: 'bytesout', help: 'Bytes of record batches sent to consumers of the topic.' },
  { key: 'produceRequests', name: 'totalproducerequests', help: 'Produce requests, counted per partition of the topic.' },
  { key: 'failedProduceRequests', name: 'failedproducerequests', help: 'Produce requests that failed, counted per partition of the topic.' },
  { key: 'fetchRequests', name: 'totalfetchrequests', help: 'Fetch requests, counted per partition of the topic.' },
  { key: 'failedFetchRequests', name: 'failedfetchrequests', help: 'Fetch requests that failed, counted per partition of the topic.' },
]

export class TopicMetrics {
  readonly #byTopic = new Map<string, TopicStats>()

  #stats(topic: string): TopicStats {
    let stats = this.#byTopic.get(topic)
    if (stats === undefined) this.#byTopic.set(topic, (stats = new TopicStats()))
    return stats
  }

  /** A produce request's outcome: bytes and records count for the partitions that were appended. */
  produced(request: ProduceRequest, responses: readonly TopicProduceResponse[]): void {
    for (const topic of request.topicData) {
      const answered = topicResponse(responses, topic.name)
      if (answered === undefined) continue
      const stats = this.#stats(topic.name)
      for (const p of topic.partitionData) {
        const result = partitionResponse(answered, p.index)
        if (result === undefined) continue
        stats.produceRequests++
        if (result.errorCode !== ErrorCode.NONE) {
          stats.failedProduceRequests++
        } else if (p.records !== null) {
          stats.bytesIn += p.records.length
          stats.messagesIn += recordCount(p.records)
        }
      }
    }
  }

  /** A fetch response: bytes of records per topic. `byId` names the topics of Fetch v13+, null before. */
  fetched(response: FetchResponse, byId: TopicsById | null): void {
    for (const topic of response.responses) {
      const name = byId === null ? topic.topic : byId.byId(topic.topicId)?.name
      if (name === undefined) continue
      const stats = this.#stats(name)
      for (const p of topic.partitions) {
        stats.fetchRequests++
        if (p.errorCode !== ErrorCode.NONE) stats.failedFetchRequests++
        else if (p.records !== null) stats.bytesOut += p.records.length
      }
    }
  }

  /** Drops the counters of topics that no longer exist, as Kafka removes a deleted topic's metrics. */
  retain(exists: (topic: string) => boolean): void {
    for (const topic of this.#byTopic.keys()) if (!exists(topic)) this.#byTopic.delete(topic)
  }

  families(): MetricFamily[] {
    const topics = [...this.#byTopic].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    return FAMILIES.map(({ key, name, help }) => ({
      name: `kafka_server_brokertopicmetrics_${name}_total`,
      help,
      type: 'counter' as const,
      samples: topics.map(([topic, stats]): Sample => ({ labels: { topic }, value: stats[key] })),
    }))
  }
}

// Loops rather than find(): no closure per partition on the produce path.
function topicResponse(responses: readonly TopicProduceResponse[], name: string): TopicProduceResponse | undefined {
  for (const r of responses) if (r.name === name) return r
  return undefined
}

function partitionResponse(topic: TopicProduceResponse, index: number): PartitionProduceResponse | undefined {
  for (const r of topic.partitionResponses) if (r.index === index) return r
  return undefined
}

/** Sum of the record counts of the batches in `records`, read from each batch header. */
export function recordCount(records: Buffer): number {
  let count = 0
  for (let pos = 0; pos + BATCH.RECORDS <= records.length; ) {
    count += records.readInt32BE(pos + BATCH.RECORD_COUNT)
    pos += BATCH.LOG_OVERHEAD + records.readInt32BE(pos + BATCH.LENGTH)
  }
  return count
}
