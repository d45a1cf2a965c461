/**
 * The load generator: one connection, one prebuilt request frame sent again and again with
 * `depth` requests in flight (a producer's max.in.flight), each answer timed from its request's
 * write. The same frame goes to Brook and to the baseline, so both move the same bytes.
 */
import { Framer, open } from './wire.js'

export interface LoadOptions {
  host: string
  port: number
  /** A whole request frame, size prefix included; sent as is every time. */
  frame: Buffer
  depth: number
  /** Requests answered before the clock starts. */
  warmup: number
  /** Requests answered while it runs. */
  requests: number
  /** Sees the first and the last answer of the timed run (Brook's are checked). */
  check?: (frame: Buffer, last: boolean) => void
}

export interface LoadResult {
  ms: number
  /** Per timed request, ms from its write to its answer. */
  latencies: Float64Array
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const socket = await open(o.host, o.port)
  const total = o.warmup + o.requests
  const latencies = new Float64Array(o.requests)
  const sentAt = new Float64Array(total)
  let sent = 0
  let answered = 0
  let start = 0
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      const send = (): void => {
        sentAt[sent++] = performance.now()
        socket.write(o.frame)
      }
      const framer = new Framer((frame) => {
        const now = performance.now()
        const i = answered++
        if (i === o.warmup) start = sentAt[i]!
        if (i >= o.warmup) {
          latencies[i - o.warmup] = now - sentAt[i]!
          if (o.check && (i === o.warmup || answered === total)) o.check(frame, answered === total)
        }
        if (answered === total) resolve({ ms: now - start, latencies })
        else if (sent < total) send()
      })
      socket.on('data', (chunk: Buffer) => {
        try {
          framer.push(chunk)
        } catch (err) {
          reject(err)
        }
      })
      socket.once('error', reject)
      socket.once('close', () => reject(new Error(`connection closed after ${answered} of ${total} answers`)))
      for (let i = 0; i < Math.min(o.depth, total); i++) send()
    })
  } finally {
    socket.destroy()
  }
}
