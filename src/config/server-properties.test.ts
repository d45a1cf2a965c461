import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { brokerConfigDefs } from './broker-configs.js'
import { BrokerConfig } from './broker-config.js'
import { formatConfigValue } from './config-def.js'
import { parseProperties } from './properties.js'

const text = readFileSync(new URL('../../config/server.properties', import.meta.url), 'utf8')
const lines = text.split('\n')
/** `key=value` lines, whether commented out or set. */
const documented = new Map<string, { value: string; set: boolean }[]>()
for (const line of lines) {
  const m = /^(#?)([a-z][a-z0-9.]*)=(.*)$/.exec(line)
  if (!m) continue
  const [, hash, key, value] = m as unknown as [string, string, string, string]
  documented.set(key, [...(documented.get(key) ?? []), { value, set: hash === '' }])
}

describe('config/server.properties', () => {
  it('documents every key of the config table once, and no other key', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(brokerConfigDefs).sort())
    for (const [key, entries] of documented) expect(entries, key).toHaveLength(1)
  })

  it("shows Kafka's default on every commented-out key that has one", () => {
    for (const [key, def] of Object.entries(brokerConfigDefs)) {
      const [entry] = documented.get(key) ?? []
      if (entry && !entry.set && def.default !== null) expect(entry.value, key).toBe(formatConfigValue(def.default))
    }
  })

  it('parses and validates as it is shipped, with every example value valid', () => {
    const shipped = BrokerConfig.resolve([{ name: 'server.properties', entries: parseProperties(text) }])
    expect(shipped.unknownKeys).toEqual([])
    expect(shipped.logDirs).toEqual(['./data'])
    const examples = new Map([...documented].map(([k, [e]]) => [k, (e as { value: string }).value]))
    expect(() => BrokerConfig.resolve([{ name: 'examples', entries: examples }])).not.toThrow()
  })
})
