import { describe, expect, it } from 'vitest'
import { ManualClock } from './clock.js'
import { deleteDirName, parsePartitionDirName, parseSegmentFileName, segmentFileName } from './file-names.js'

describe('ManualClock', () => {
  it('runs due tasks in time order as time advances, repeating periodic ones, skipping cancelled ones', async () => {
    const clock = new ManualClock(0)
    const ran: string[] = []
    clock.every(100, () => void ran.push(`every@${clock.now()}`))
    clock.after(150, async () => void ran.push(`after@${clock.now()}`))
    const cancel = clock.after(120, () => void ran.push('cancelled'))
    cancel()
    await clock.advance(250)
    expect(ran).toEqual(['every@100', 'after@150', 'every@200'])
    expect(clock.now()).toBe(250)
  })
})

describe('file names', () => {
  it('formats and parses segment files and partition dirs as Kafka names them', () => {
    expect(segmentFileName(1234, '.log')).toBe('00000000000000001234.log')
    expect(parseSegmentFileName('00000000000000001234.timeindex', '.timeindex')).toBe(1234)
    expect(parseSegmentFileName('1234.log', '.log')).toBeNull()
    expect(parsePartitionDirName('my-topic-12')).toEqual({ topic: 'my-topic', partition: 12 })
    expect(parsePartitionDirName('t-0.0123456789abcdef0123456789abcdef-delete')).toBeNull()
    expect(parsePartitionDirName('meta.properties')).toBeNull()
    expect(deleteDirName('t', 4)).toMatch(/^t-4\.[0-9a-f]{32}-delete$/)
    expect(deleteDirName('x'.repeat(249), 0).length).toBe(255)
  })
})
