/**
 * A fake Kafka broker just big enough for one client to produce or consume one batch, for
 * the compression fixtures and interop tests (Brook's real broker is not needed, nor ready):
 * ApiVersions v0 (error 35 for newer versions, so clients fall back to v0), Metadata v1
 * (this node leads partition 0 of any topic asked for), Produce v3-7 (answered with success,
 * each partition's records handed to `onProduce`) and Fetch v4-11 (partition 0 of a topic
 * in `batches` holds that one batch; past it the partition is empty). Hand-encoded on
 * purpose: it must not share code with what it tests.
 */
import { createServer, type Server, type Socket } from 'node:net'

const API = { Produce: 0, Fetch: 1, Metadata: 3, FindCoordinator: 10, ApiVersions: 18 } as const
const NODE_ID = 1
// Produce min 0: librdkafka before 2.11.1 turns compression off without it (see DESIGN.md).
// FindCoordinator is never served, but librdkafka enables lz4 only when it is listed
// (rdkafka_feature.c); v2 batches need Fetch v4 and zstd Fetch v10 there too.
const ADVERTISED: readonly [number, number, number][] = [
  [API.Produce, 0, 7],
  [API.Fetch, 4, 11],
  [API.Metadata, 1, 1],
  [API.FindCoordinator, 0, 3],
  [API.ApiVersions, 0, 0],
]

export interface Produced {
  topic: string
  produceVersion: number
  batch: Buffer
}

export interface FakeBrokerOptions {
  onProduce?: (produced: Produced) => void
  /** topic → one v2 batch (base offset 0) that partition 0 serves to Fetch. */
  batches?: ReadonlyMap<string, Buffer>
}

export interface FakeBroker {
  port: number
  close(): Promise<void>
}

/** Big-endian writer for the few response shapes sent. */
class Out {
  #parts: Buffer[] = []
  int8(v: number): this { return this.#push(1, (b) => b.writeInt8(v)) }
  int16(v: number): this { return this.#push(2, (b) => b.writeInt16BE(v)) }
  int32(v: number): this { return this.#push(4, (b) => b.writeInt32BE(v)) }
  int64(v: bigint): this { return this.#push(8, (b) => b.writeBigInt64BE(v)) }
  string(s: string | null): this {
    if (s === null) return this.int16(-1)
    const bytes = Buffer.from(s, 'utf8')
    this.int16(bytes.length).#parts.push(bytes)
    return this
  }
  bytes(b: Buffer): this {
    this.int32(b.length).#parts.push(b)
    return this
  }
  array<T>(items: readonly T[], each: (item: T) => void): this {
    this.int32(items.length)
    items.forEach(each)
    return this
  }
  frame(correlationId: number): Buffer {
    const body = Buffer.concat(this.#parts)
    const head = Buffer.alloc(8)
    head.writeInt32BE(body.length + 4, 0)
    head.writeInt32BE(correlationId, 4)
    return Buffer.concat([head, body])
  }
  #push(size: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(size)
    write(b)
    this.#parts.push(b)
    return this
  }
}

/** Big-endian reader over one request. */
class In {
  #pos = 0
  constructor(readonly buf: Buffer) {}
  int8(): number { return this.#at(1, this.buf.readInt8(this.#pos)) }
  int16(): number { return this.#at(2, this.buf.readInt16BE(this.#pos)) }
  int32(): number { return this.#at(4, this.buf.readInt32BE(this.#pos)) }
  int64(): bigint { return this.#at(8, this.buf.readBigInt64BE(this.#pos)) }
  string(): string | null {
    const n = this.int16()
    return n < 0 ? null : this.#at(n, this.buf.toString('utf8', this.#pos, this.#pos + n))
  }
  bytes(): Buffer | null {
    const n = this.int32()
    return n < 0 ? null : this.#at(n, this.buf.subarray(this.#pos, this.#pos + n))
  }
  array<T>(each: () => T): T[] {
    const n = this.int32()
    return n < 0 ? [] : Array.from({ length: n }, each)
  }
  #at<T>(size: number, value: T): T {
    this.#pos += size
    return value
  }
}

function metadata(req: In, out: Out, port: number): void {
  const topics = req.array(() => req.string()!)
  out.array([NODE_ID], (id) => out.int32(id).string('127.0.0.1').int32(port).string(null))
  out.int32(NODE_ID)
  out.array(topics, (name) => {
    out.int16(0).string(name).int8(0)
    out.array([0], (p) => {
      out.int16(0).int32(p).int32(NODE_ID)
      out.array([NODE_ID], (n) => out.int32(n)).array([NODE_ID], (n) => out.int32(n))
    })
  })
}

function produce(req: In, out: Out, version: number, opts: FakeBrokerOptions): boolean {
  if (version < 3) throw new Error(`produce v${version} carries no v2 batch`)
  req.string() // transactional id
  const acks = req.int16()
  req.int32() // timeout
  const topics = req.array(() => ({
    name: req.string()!,
    partitions: req.array(() => ({ index: req.int32(), records: req.bytes() })),
  }))
  for (const t of topics)
    for (const p of t.partitions)
      if (p.records) opts.onProduce?.({ topic: t.name, produceVersion: version, batch: Buffer.from(p.records) })
  out.array(topics, (t) => {
    out.string(t.name).array(t.partitions, (p) => {
      out.int32(p.index).int16(0).int64(0n).int64(-1n)
      if (version >= 5) out.int64(0n)
    })
  })
  out.int32(0)
  return acks !== 0
}

function fetch(req: In, out: Out, version: number, opts: FakeBrokerOptions): void {
  req.int32() // replica id
  req.int32() // max wait
  req.int32() // min bytes
  req.int32() // max bytes
  req.int8() // isolation level
  if (version >= 7) (req.int32(), req.int32()) // session id, epoch
  const topics = req.array(() => ({
    name: req.string()!,
    partitions: req.array(() => {
      const index = req.int32()
      if (version >= 9) req.int32() // current leader epoch
      const offset = req.int64()
      if (version >= 5) req.int64() // log start offset
      req.int32() // partition max bytes
      return { index, offset }
    }),
  }))
  out.int32(0)
  if (version >= 7) out.int16(0).int32(0)
  out.array(topics, (t) => {
    const batch = opts.batches?.get(t.name)
    const count = batch ? BigInt(batch.readInt32BE(57)) : 0n
    out.string(t.name).array(t.partitions, (p) => {
      out.int32(p.index).int16(batch && p.index === 0 ? 0 : 3).int64(count).int64(count)
      if (version >= 5) out.int64(0n)
      out.int32(-1) // aborted transactions: null
      if (version >= 11) out.int32(-1)
      out.bytes(batch && p.index === 0 && p.offset < count ? batch : Buffer.alloc(0))
    })
  })
}

function handle(req: In, port: number, opts: FakeBrokerOptions): Buffer | null {
  const apiKey = req.int16()
  const version = req.int16()
  const correlationId = req.int32()
  req.string() // client id
  const out = new Out()
  switch (apiKey) {
    case API.ApiVersions:
      out.int16(version === 0 ? 0 : 35).array(ADVERTISED, ([key, min, max]) => out.int16(key).int16(min).int16(max))
      break
    case API.Metadata:
      metadata(req, out, port)
      break
    case API.Produce:
      if (!produce(req, out, version, opts)) return null
      break
    case API.Fetch:
      fetch(req, out, version, opts)
      break
    default:
      throw new Error(`api key ${apiKey} v${version} is not served by the fake broker`)
  }
  return out.frame(correlationId)
}

function serve(socket: Socket, port: number, opts: FakeBrokerOptions): void {
  let pending = Buffer.alloc(0)
  socket.on('error', () => socket.destroy())
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk])
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = pending.readInt32BE(0)
      const request = new In(pending.subarray(4, 4 + size))
      pending = pending.subarray(4 + size)
      try {
        const response = handle(request, port, opts)
        if (response) socket.write(response)
      } catch {
        socket.destroy()
        return
      }
    }
  })
}

export async function startFakeBroker(opts: FakeBrokerOptions): Promise<FakeBroker> {
  const sockets = new Set<Socket>()
  let port = 0
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    serve(socket, port, opts)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
