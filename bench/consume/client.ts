/**
 * The two consumers of bench/consume.ts. Both keep `depth` requests in flight on one
 * connection, one per partition (the next request for a partition needs the previous answer),
 * and touch only what they must to ask again: Brook's consumer decodes the Fetch response and
 * walks its batch headers for the next offset; the baseline's adds the length to its position.
 */
import { connect, type Socket } from 'node:net'
import { Fetch } from '../../src/protocol/generated/fetch.js'
import { decodeResponseHeader, encodeRequestHeader, requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/generated/headers.js'
import { Reader } from '../../src/protocol/primitives/reader.js'
import { Writer } from '../../src/protocol/primitives/writer.js'
import { BatchHeader } from '../../src/protocol/records/batch-header.js'

export interface BacklogPartition {
  file: string
  size: number
  records: number
}

export interface ConsumeOptions {
  host: string
  port: number
  partitions: readonly BacklogPartition[]
  depth: number
  maxBytes: number
  partitionMaxBytes: number
}

/** Size-prefixed frames out of a byte stream, copying only frames that span chunks. */
class Frames {
  #chunks: Buffer[] = []
  #length = 0
  readonly #onFrame: (frame: Buffer) => void

  constructor(onFrame: (frame: Buffer) => void) {
    this.#onFrame = onFrame
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#length += chunk.length
    for (;;) {
      if (this.#length < 4) return
      const size = this.#peekSize()
      if (this.#length < 4 + size) return
      const whole = this.#take(4 + size)
      this.#onFrame(whole.subarray(4))
    }
  }

  #peekSize(): number {
    const first = this.#chunks[0]!
    return first.length >= 4 ? first.readInt32BE(0) : Buffer.concat(this.#chunks).readInt32BE(0)
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

async function open(host: string, port: number): Promise<Socket> {
  const socket = connect(port, host)
  socket.setNoDelay(true)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  return socket
}

/**
 * Runs one consumer: `ask(partition)` sends the next request for a partition, `answer(frame)`
 * reads a response and says which partition it was for and how many bytes it carried.
 */
async function drive(
  socket: Socket,
  opts: ConsumeOptions,
  ask: (partition: number) => void,
  answer: (frame: Buffer, partition: number) => { bytes: number; done: boolean },
): Promise<number> {
  let bytes = 0
  const inFlight: number[] = []
  const idle: number[] = opts.partitions.map((_, i) => i)
  let active = opts.partitions.length
  return new Promise((resolve, reject) => {
    const fill = (): void => {
      while (inFlight.length < opts.depth && idle.length > 0) {
        const p = idle.shift()!
        inFlight.push(p)
        ask(p)
      }
    }
    const frames = new Frames((frame) => {
      const partition = inFlight.shift()!
      const r = answer(frame, partition)
      bytes += r.bytes
      if (r.done) active--
      else idle.push(partition)
      if (active === 0) resolve(bytes)
      else fill()
    })
    socket.on('data', (chunk: Buffer) => frames.push(chunk))
    socket.once('error', reject)
    fill()
  })
}

/** Consumes every partition from offset 0 to its end with Fetch v12; returns the record bytes received. */
export async function consumeBrook(opts: ConsumeOptions, topic: string): Promise<number> {
  const version = 12
  const socket = await open(opts.host, opts.port)
  const offsets = opts.partitions.map(() => 0n)
  let correlationId = 0
  const ask = (partition: number): void => {
    const w = new Writer(256)
    w.writeInt32(0)
    encodeRequestHeader(w, requestHeaderVersion(Fetch.apiKey, version), { requestApiKey: Fetch.apiKey, requestApiVersion: version, correlationId: ++correlationId, clientId: 'bench' })
    Fetch.encodeRequest(w, version, {
      clusterId: null,
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: opts.maxBytes,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offsets[partition]!, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: opts.partitionMaxBytes }] }],
      forgottenTopicsData: [],
      rackId: '',
    })
    const frame = w.toBuffer()
    frame.writeInt32BE(frame.length - 4, 0)
    socket.write(frame)
  }
  const answer = (frame: Buffer, partition: number): { bytes: number; done: boolean } => {
    const r = new Reader(frame)
    decodeResponseHeader(r, responseHeaderVersion(Fetch.apiKey, version))
    const res = Fetch.decodeResponse(r, version)
    const data = res.responses[0]!.partitions[0]!
    if (data.errorCode !== 0) throw new Error(`fetch error ${data.errorCode}`)
    const records = data.records!
    const h = BatchHeader.view(records, 0)
    let next = offsets[partition]!
    for (let pos = 0; pos < records.length; pos += h.sizeInBytes) next = BigInt(h.moveTo(records, pos).lastOffset + 1)
    offsets[partition] = next
    return { bytes: records.length, done: next >= BigInt(opts.partitions[partition]!.records) }
  }
  try {
    return await drive(socket, opts, ask, answer)
  } finally {
    socket.destroy()
  }
}

/** Reads every partition's file from 0 to its end through the baseline server. */
export async function consumeBaseline(opts: ConsumeOptions): Promise<number> {
  const socket = await open(opts.host, opts.port)
  const positions = opts.partitions.map(() => 0)
  const ask = (partition: number): void => {
    const req = Buffer.allocUnsafe(16)
    req.writeInt32BE(12, 0)
    req.writeInt32BE(partition, 4)
    req.writeBigInt64BE(BigInt(positions[partition]!), 8)
    socket.write(req)
  }
  const answer = (frame: Buffer, partition: number): { bytes: number; done: boolean } => {
    positions[partition]! += frame.length
    return { bytes: frame.length, done: positions[partition]! >= opts.partitions[partition]!.size }
  }
  try {
    return await drive(socket, opts, ask, answer)
  } finally {
    socket.destroy()
  }
}
