import { describe, expect, it } from 'vitest'
import { configFromEnv, envNameToConfigKey } from './env.js'

describe('KAFKA_* environment mapping', () => {
  it('maps names as the apache/kafka image does', () => {
    expect(envNameToConfigKey('ADVERTISED_LISTENERS')).toBe('advertised.listeners')
    expect(envNameToConfigKey('LOG_RETENTION_HOURS')).toBe('log.retention.hours')
    expect(envNameToConfigKey('LISTENER_NAME_INTERNAL_SSL__KEYSTORE')).toBe('listener.name.internal.ssl_keystore')
    expect(envNameToConfigKey('SOME___DASHED_KEY')).toBe('some-dashed.key')
  })

  it('takes KAFKA_ variables only and skips the image own settings', () => {
    const env = {
      KAFKA_NODE_ID: '3',
      KAFKA_HEAP_OPTS: '-Xmx1G',
      KAFKA_OPTS: '-Dx=y',
      PATH: '/bin',
      KAFKALIKE: 'x',
      KAFKA_LOG_DIRS: '/data',
    }
    expect(Object.fromEntries(configFromEnv(env))).toEqual({ 'node.id': '3', 'log.dirs': '/data' })
  })
})
