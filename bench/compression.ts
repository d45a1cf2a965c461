/**
 * Record-batch codec throughput on 1 MiB of JSON-like values: compress and decompress MB/s
 * (of uncompressed bytes), sync and async, and the ratio. Then the async/sync cost at smaller
 * sizes, which sets ASYNC_MIN_BYTES. Usage: npx tsx bench/compression.ts
 */
import {
  compress,
  compressSync,
  decompress,
  decompressSync,
  codecFor,
  type CompressionType,
} from '../src/protocol/records/compression/index.js'

const MiB = 1024 * 1024
const TYPES: CompressionType[] = [1, 2, 3, 4]

function jsonLike(size: number): Buffer {
  let text = ''
  for (let i = 0; text.length < size; i++) {
    const event = ['click', 'view', 'purchase', 'refund'][i % 4]
    text += `{"id":${i},"user":"user-${(i * 7919) % 5000}","event":"${event}","ts":${1_700_000_000_000 + i * 137},"amount":${((i * 37) % 10000) / 100}}\n`
  }
  return Buffer.from(text).subarray(0, size)
}

/** Mean seconds per call over at least `minMs` of calls, after a warm-up. */
async function time(fn: () => unknown, minMs = 400): Promise<number> {
  await fn()
  let calls = 0
  const start = performance.now()
  while (performance.now() - start < minMs) {
    await fn()
    calls++
  }
  return (performance.now() - start) / 1000 / calls
}

const data = jsonLike(MiB)
const mbps = (seconds: number, bytes = data.length) => (bytes / seconds / 1e6).toFixed(0).padStart(6)
console.log('1 MiB JSON-like        compress MB/s     decompress MB/s   ratio')
console.log('codec                  sync    async     sync    async')
for (const type of TYPES) {
  const packed = compressSync(type, data)
  const row = [
    await time(() => compressSync(type, data)),
    await time(() => compress(type, data)),
    await time(() => decompressSync(type, packed)),
    await time(() => decompress(type, packed)),
  ].map((s) => mbps(s))
  const ratio = (data.length / packed.length).toFixed(1)
  console.log(`${codecFor(type).name.padEnd(20)} ${row[0]}  ${row[1]}   ${row[2]}  ${row[3]}   ${ratio.padStart(5)}x`)
}

console.log('\nasync / sync time per call (codec forms, no threshold), by input size')
console.log('codec       4 KiB  16 KiB  64 KiB 256 KiB')
for (const type of TYPES) {
  const codec = codecFor(type)
  const cells: string[] = []
  for (const size of [4096, 16384, 65536, 262144]) {
    const input = jsonLike(size)
    const packed = codec.compressSync(input)
    const sync = (await time(() => codec.compressSync(input), 150)) + (await time(() => codec.decompressSync(packed), 150))
    const async = (await time(() => codec.compress(input), 150)) + (await time(() => codec.decompress(packed), 150))
    cells.push((async / sync).toFixed(2).padStart(7))
  }
  console.log(`${codec.name.padEnd(10)}${cells.join(' ')}`)
}
