import { describe, expect, it } from 'vitest'
import { BrookErrorCode } from '../brook-error.js'
import { BrokerConfig } from './broker-config.js'

const source = (name: string, entries: Record<string, string>) => ({ name, entries: new Map(Object.entries(entries)) })

function resolveError(entries: Record<string, string>): { code: string; message: string } {
  try {
    BrokerConfig.resolve([source('test', entries)])
  } catch (err) {
    return err as { code: string; message: string }
  }
  throw new Error('expected the config to be rejected')
}

describe('BrokerConfig', () => {
  it("uses Kafka's defaults when nothing is set", () => {
    const config = BrokerConfig.resolve([])
    expect(config.get('socket.request.max.bytes')).toBe(104857600)
    expect(config.get('listeners')).toBe('PLAINTEXT://:9092')
    expect(config.get('advertised.listeners')).toBeNull()
    expect(config.get('auto.create.topics.enable')).toBe(true)
    expect(config.logDirs).toEqual(['/tmp/kafka-logs'])
    expect(config.logRetentionMs).toBe(168 * 3_600_000)
    expect(config.logRollMs).toBe(168 * 3_600_000)
    expect(config.explicit.size).toBe(0)
  })

  it('applies sources in order and parses typed values', () => {
    const config = BrokerConfig.resolve([
      source('file', { 'node.id': '2', 'log.dirs': '/a, /b', 'auto.create.topics.enable': 'FALSE' }),
      source('override', { 'node.id': ' 7 ' }),
    ])
    expect(config.get('node.id')).toBe(7)
    expect(config.logDirs).toEqual(['/a', '/b'])
    expect(config.get('auto.create.topics.enable')).toBe(false)
    expect([...config.explicit.keys()].sort()).toEqual(['auto.create.topics.enable', 'log.dirs', 'node.id'])
  })

  it('lists unknown keys instead of failing', () => {
    const config = BrokerConfig.resolve([source('file', { 'process.roles': 'broker', 'zz.unknown': '1' })])
    expect(config.unknownKeys).toEqual(['process.roles', 'zz.unknown'])
  })

  it('resolves retention synonyms in Kafka order', () => {
    expect(BrokerConfig.resolve([source('f', { 'log.retention.minutes': '2' })]).logRetentionMs).toBe(120_000)
    const both = BrokerConfig.resolve([source('f', { 'log.retention.minutes': '2', 'log.retention.ms': '5' })])
    expect(both.logRetentionMs).toBe(5)
    expect(BrokerConfig.resolve([source('f', { 'log.retention.ms': '-7' })]).logRetentionMs).toBe(-1)
    expect(BrokerConfig.resolve([source('f', { 'log.roll.hours': '1' })]).logRollMs).toBe(3_600_000)
  })

  it('rejects a value of the wrong type, naming key, type and source', () => {
    const err = resolveError({ 'socket.request.max.bytes': 'lots' })
    expect(err.code).toBe(BrookErrorCode.CONFIG_INVALID)
    expect(err.message).toBe(
      'Invalid value "lots" for configuration socket.request.max.bytes: expected an int (32-bit integer) (from test)',
    )
  })

  it('rejects out-of-range and invalid values', () => {
    expect(resolveError({ 'node.id': '2147483648' }).message).toMatch(/node\.id: expected an int/)
    expect(resolveError({ 'node.id': '-1' }).message).toMatch(/node\.id: expected a value of at least 0/)
    expect(resolveError({ 'auto.create.topics.enable': 'yes' }).message).toMatch(/expected a boolean/)
    expect(resolveError({ 'log.segment.bytes': '1000' }).message).toMatch(/log\.segment\.bytes: expected a value of at least 1048576/)
    expect(resolveError({ 'log.retention.ms': '1.5' }).message).toMatch(/expected a long/)
  })
})
