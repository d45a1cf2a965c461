import { describe, expect, it } from 'vitest'
import { createLogger } from './log.js'
import { formatLogLine } from './log-pretty.js'

describe('pretty log format', () => {
  it('shows time, level, component and connection, message, then the other fields', () => {
    const time = new Date(2024, 0, 2, 3, 4, 5, 6).getTime()
    const line = JSON.stringify({ level: 20, time, pid: 1, hostname: 'h', name: 'brook', component: 'network', conn: 3, remote: '127.0.0.1:5', msg: 'connection opened', listener: 'PLAINTEXT', n: { a: 1 } })
    expect(formatLogLine(line)).toBe('03:04:05.006 DEBUG network conn=3: connection opened remote=127.0.0.1:5 listener=PLAINTEXT n={"a":1}\n')
  })

  it('puts an error stack on indented lines and colours only when asked', () => {
    const out: string[] = []
    const log = createLogger({ level: 'info', format: 'pretty', destination: { write: (t: string) => void out.push(t) } })
    log.child({ component: 'groups' }).warn({ err: new Error('boom') }, 'rebalance failed')
    expect(out).toHaveLength(1)
    expect(out[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN  groups: rebalance failed\n {4}Error: boom\n {8}at /)
    expect(out[0]).not.toContain('\x1b[')
    expect(formatLogLine(JSON.stringify({ level: 50, time: 0, msg: 'x' }), true)).toContain('\x1b[31mERROR\x1b[0m')
  })

  it('passes a line that is not JSON through unchanged', () => {
    expect(formatLogLine('plain text')).toBe('plain text\n')
  })
})
