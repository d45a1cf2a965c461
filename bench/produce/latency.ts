/**
 * Fixed-rate latency: a producer sends `rate` messages a second, each a 1 KiB record in its own
 * Produce request (acks=1, as a producer with linger.ms=0 sends them), while a consumer long-polls
 * Fetch from the same partition. Per message: the produce ack latency (request written → answer
 * read) and the end-to-end latency (request written → its record arrives in a Fetch answer).
 * The topic is fresh, so the i-th request's record gets offset i; answers are checked for it.
 */
import { Fetch } from '../../src/protocol/generated/fetch.js'
import { decodeResponseHeader, encodeRequestHeader, requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/generated/headers.js'
import { Reader } from '../../src/protocol/primitives/reader.js'
import { Writer } from '../../src/protocol/primitives/writer.js'
import { BatchHeader } from '../../src/protocol/records/batch-header.js'
import { decodeProduceResponse, Framer, open, produceFrame } from './wire.js'

export interface LatencyOptions {
  host: string
  port: number
  topic: string
  rate: number
  seconds: number
}

export interface LatencyResult {
  messages: number
  /** Messages actually sent per second. */
  achievedRate: number
  produce: Float64Array
  endToEnd: Float64Array
}

const FETCH_VERSION = 12

function fetchFrame(topic: string, offset: number, correlationId: number): Buffer {
  const w = new Writer(256)
  w.writeInt32(0)
  encodeRequestHeader(w, requestHeaderVersion(Fetch.apiKey, FETCH_VERSION), {
    requestApiKey: Fetch.apiKey,
    requestApiVersion: FETCH_VERSION,
    correlationId,
    clientId: 'bench-consumer',
  })
  Fetch.encodeRequest(w, FETCH_VERSION, {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 1024 * 1024,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
        partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: BigInt(offset), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1024 * 1024 }],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  })
  const frame = w.toBuffer()
  frame.writeInt32BE(frame.length - 4, 0)
  return frame
}

export async function runLatency(o: LatencyOptions): Promise<LatencyResult> {
  const total = Math.round(o.rate * o.seconds)
  const sentAt = new Float64Array(total)
  const produce = new Float64Array(total)
  const endToEnd = new Float64Array(total)
  const { frame } = produceFrame(o.topic, 1, 1, 1)
  const producer = await open(o.host, o.port)
  const consumer = await open(o.host, o.port)
  let sent = 0
  let acked = 0
  let consumed = 0
  let fetches = 0
  try {
    return await new Promise<LatencyResult>((resolve, reject) => {
      const fail = (err: unknown): void => reject(err instanceof Error ? err : new Error(String(err)))
      const finish = (): void => {
        if (acked === total && consumed === total) resolve({ messages: total, achievedRate: total / ((sentAt[total - 1]! - sentAt[0]!) / 1000), produce, endToEnd })
      }
      const acks = new Framer((answer) => {
        const now = performance.now()
        const p = decodeProduceResponse(answer).responses[0]!.partitionResponses[0]!
        if (p.errorCode !== 0 || p.baseOffset !== BigInt(acked)) return fail(new Error(`produce answer ${acked}: error ${p.errorCode}, offset ${p.baseOffset}`))
        produce[acked] = now - sentAt[acked]!
        acked++
        finish()
      })
      const records = new Framer((answer) => {
        const now = performance.now()
        const r = new Reader(answer)
        decodeResponseHeader(r, responseHeaderVersion(Fetch.apiKey, FETCH_VERSION))
        const data = Fetch.decodeResponse(r, FETCH_VERSION).responses[0]!.partitions[0]!
        if (data.errorCode !== 0) return fail(new Error(`fetch error ${data.errorCode}`))
        const bytes = data.records ?? Buffer.alloc(0)
        const h = BatchHeader.view(bytes, 0)
        for (let pos = 0; pos < bytes.length; pos += h.sizeInBytes) {
          h.moveTo(bytes, pos)
          for (let offset = Math.max(h.baseOffset, consumed); offset <= h.lastOffset; offset++) endToEnd[offset] = now - sentAt[offset]!
          consumed = Math.max(consumed, h.lastOffset + 1)
        }
        if (consumed < total) consumer.write(fetchFrame(o.topic, consumed, ++fetches))
        finish()
      })
      producer.on('data', (chunk: Buffer) => acks.push(chunk))
      consumer.on('data', (chunk: Buffer) => records.push(chunk))
      producer.once('error', fail)
      consumer.once('error', fail)
      consumer.write(fetchFrame(o.topic, 0, ++fetches))
      // Sends what the clock says is due, every millisecond: the rate holds even when a tick is late.
      const t0 = performance.now()
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - t0) * o.rate) / 1000))
        while (sent < due) {
          sentAt[sent++] = performance.now()
          producer.write(frame)
        }
        if (sent === total) clearInterval(timer)
      }, 1)
    })
  } finally {
    producer.destroy()
    consumer.destroy()
  }
}
