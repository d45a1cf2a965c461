import { describe, expect, it } from 'vitest'
import type { ConsumedRecord } from './fetched-records.js'
import { formatRecord, formatterConfig } from './message-formatter.js'

const record: ConsumedRecord = {
  topic: 't',
  partition: 2,
  offset: 7,
  timestamp: 1700000000000,
  timestampType: 'CreateTime',
  key: Buffer.from('k'),
  value: Buffer.from('v'),
  headers: [
    { key: 'h1', value: Buffer.from('a') },
    { key: 'h2', value: null },
  ],
}

const format = (props: Record<string, string>, r = record): string => formatRecord(r, formatterConfig(new Map(Object.entries(props)))).toString()

describe('DefaultMessageFormatter', () => {
  it('prints the value alone by default', () => {
    expect(format({})).toBe('v\n')
  })

  it('prints every field in Kafka order, tab separated', () => {
    const all = { 'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.headers': 'true', 'print.key': 'true' }
    expect(format(all)).toBe('CreateTime:1700000000000\tPartition:2\tOffset:7\th1:a,h2:null\tk\tv\n')
  })

  it('uses key.separator, null.literal and NO_HEADERS', () => {
    const r = { ...record, key: null, headers: [] }
    expect(format({ 'print.key': 'true', 'print.headers': 'true', 'key.separator': ':', 'null.literal': '<null>' }, r)).toBe('NO_HEADERS:<null>:v\n')
  })

  it('ends with the line separator after the last printed column when the value is not printed', () => {
    expect(format({ 'print.key': 'true', 'print.value': 'false' })).toBe('k\n')
  })
})
