/**
 * Wire pieces the produce benchmark's client and server share: size-prefixed framing, a socket
 * that resolves once connected, prebuilt Produce frames, latency percentiles.
 */
import { connect, type Socket } from 'node:net'
import { Produce } from '../../src/protocol/generated/produce.js'
import type { ProduceResponse } from '../../src/protocol/generated/produce.js'
import { decodeResponseHeader, encodeRequestHeader, requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/generated/headers.js'
import { Reader } from '../../src/protocol/primitives/reader.js'
import { Writer } from '../../src/protocol/primitives/writer.js'
import { buildBatch } from '../../src/protocol/records/batch-builder.js'

export const PRODUCE_VERSION = 9
export const RECORD_BYTES = 1024

/** Calls `onFrame` with each size-prefixed frame's body; copies only frames that span chunks. */
export class Framer {
  #chunks: Buffer[] = []
  #length = 0
  readonly #onFrame: (frame: Buffer) => void

  constructor(onFrame: (frame: Buffer) => void) {
    this.#onFrame = onFrame
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#length += chunk.length
    while (this.#length >= 4) {
      const first = this.#chunks[0]!
      const size = first.length >= 4 ? first.readInt32BE(0) : Buffer.concat(this.#chunks).readInt32BE(0)
      if (this.#length < 4 + size) return
      this.#onFrame(this.#take(4 + size).subarray(4))
    }
  }

  #take(n: number): Buffer {
    const first = this.#chunks[0]!
    let out: Buffer
    if (first.length >= n) {
      out = first.subarray(0, n)
      if (first.length === n) this.#chunks.shift()
      else this.#chunks[0] = first.subarray(n)
    } else {
      const all = Buffer.concat(this.#chunks, this.#length)
      out = all.subarray(0, n)
      this.#chunks = all.length > n ? [all.subarray(n)] : []
    }
    this.#length -= n
    return out
  }
}

export async function open(host: string, port: number): Promise<Socket> {
  const socket = connect(port, host)
  socket.setNoDelay(true)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  return socket
}

/** One batch of `records` 1 KiB records (distinct bytes, so no codec or page could cheat). */
export function recordBatch(records: number, seed: number): Buffer {
  const now = Date.now()
  return buildBatch(
    Array.from({ length: records }, (_, i) => ({ timestamp: now, key: null, value: Buffer.alloc(RECORD_BYTES, (seed * 31 + i) & 0xff) })),
  )
}

/** Records of 1 KiB that fit a batch of about `batchBytes`. */
export function recordsPerBatch(batchBytes: number): number {
  return Math.max(1, Math.floor((batchBytes - 61) / (RECORD_BYTES + 12)))
}

/** A whole Produce request frame (size prefix included): one batch for each of `partitions`. */
export function produceFrame(topic: string, partitions: number, records: number, acks: number): { frame: Buffer; batchBytes: number } {
  const batches = Array.from({ length: partitions }, (_, p) => recordBatch(records, p))
  const w = new Writer(64 * 1024)
  w.writeInt32(0)
  encodeRequestHeader(w, requestHeaderVersion(Produce.apiKey, PRODUCE_VERSION), {
    requestApiKey: Produce.apiKey,
    requestApiVersion: PRODUCE_VERSION,
    correlationId: 1,
    clientId: 'bench',
  })
  Produce.encodeRequest(w, PRODUCE_VERSION, {
    transactionalId: null,
    acks,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: batches.map((records, index) => ({ index, records })) }],
  })
  const frame = w.toBuffer()
  frame.writeInt32BE(frame.length - 4, 0)
  return { frame, batchBytes: batches.reduce((n, b) => n + b.length, 0) }
}

export function decodeProduceResponse(frame: Buffer): ProduceResponse {
  const r = new Reader(frame)
  decodeResponseHeader(r, responseHeaderVersion(Produce.apiKey, PRODUCE_VERSION))
  return Produce.decodeResponse(r, PRODUCE_VERSION)
}

/** p50/p99/p99.9/max of latencies in ms. */
export function percentiles(ms: Float64Array): { p50: number; p99: number; p999: number; max: number } {
  const sorted = Float64Array.from(ms).sort()
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: sorted[sorted.length - 1] ?? NaN }
}
