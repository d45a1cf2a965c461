import * as fs from 'node:fs'
import { crc32cNative } from '../src/protocol/primitives/crc32c.js'
const f = '/tmp/recbench/logs/recovery-0/00000000000000000000.log'
const fd = fs.openSync(f, 'r'); const size = fs.fstatSync(fd).size
const buf = Buffer.allocUnsafe(1 << 20)
let t = performance.now()
for (let p = 0; p < size; p += buf.length) fs.readSync(fd, buf, 0, buf.length, p)
console.log('readSync 1MiB chunks', (performance.now() - t).toFixed(0))
const crc = crc32cNative()!
t = performance.now()
for (let p = 0; p < size; p += buf.length) { fs.readSync(fd, buf, 0, buf.length, p); for (let q = 0; q + 16384 <= buf.length; q += 16384) crc(buf.subarray(q+21, q + 16384)) }
console.log('read+crc', (performance.now() - t).toFixed(0))
t = performance.now()
for (let i = 0; i < 1024; i++) for (let q = 0; q + 16384 <= buf.length; q += 16384) crc(buf.subarray(q+21, q + 16384))
console.log('crc only', (performance.now() - t).toFixed(0))
