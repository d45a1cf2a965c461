import { describe, expect, it } from 'vitest'
import { tools } from './index.js'
import { TOOL_COMMANDS } from './tool-names.js'

describe('tool names', () => {
  it('lists exactly the tools there are, each under its Kafka name', () => {
    expect(Object.keys(TOOL_COMMANDS).sort()).toEqual(tools.map((t) => t.name).sort())
    for (const t of tools) expect(TOOL_COMMANDS[t.name]?.startsWith(`${t.kafkaName}:`)).toBe(true)
  })
})
