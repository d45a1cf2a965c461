import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { consoleConsumerTool } from '../../src/tools/console-consumer.js'
import { consoleProducerTool } from '../../src/tools/console-producer.js'
import { consumerGroupsTool } from '../../src/tools/consumer-groups.js'
import { topicsTool } from '../../src/tools/topics.js'
import { startTestBroker } from '../helpers/broker.js'
import { tempDir, uniqueName } from '../helpers/index.js'
import { runInProcess } from './run-tool.js'

let broker: Broker
beforeAll(async () => {
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } })
})
afterAll(() => broker.close())

const groups = (...argv: string[]) => runInProcess(consumerGroupsTool, ['--bootstrap-server', broker.bootstrap, ...argv])

/** A topic with `count` records in partition 0 and a group that consumed `consumed` of them. */
async function fixture(count: number, consumed: number): Promise<{ topic: string; group: string }> {
  const topic = uniqueName('gt')
  const group = uniqueName('grp')
  await runInProcess(topicsTool, ['--bootstrap-server', broker.bootstrap, '--create', '--topic', topic, '--partitions', '1'])
  const lines = Array.from({ length: count }, (_, i) => `m${i}`).join('\n')
  await runInProcess(consoleProducerTool, ['--bootstrap-server', broker.bootstrap, '--topic', topic], { stdin: `${lines}\n` })
  const run = await runInProcess(consoleConsumerTool, ['--bootstrap-server', broker.bootstrap, '--topic', topic, '--group', group, '--from-beginning', '--max-messages', String(consumed), '--timeout-ms', '5000'])
  expect(run.code).toBe(0)
  return { topic, group }
}

describe('kafka-consumer-groups', () => {
  it('lists and describes an empty group with its offsets and lag', async () => {
    const { topic, group } = await fixture(5, 3)
    expect((await groups('--list')).stdout.split('\n')).toContain(group)
    const described = await groups('--describe', '--group', group)
    expect(described.code).toBe(0)
    expect(described.stderr).toBe(`\nConsumer group '${group}' has no active members.\n`)
    const g = Math.max(15, group.length)
    const t = Math.max(15, topic.length)
    const header = `${'GROUP'.padEnd(g)} ${'TOPIC'.padEnd(t)} ${'PARTITION'.padEnd(10)} ${'CURRENT-OFFSET'.padEnd(15)} ${'LOG-END-OFFSET'.padEnd(15)} ${'LAG'.padEnd(15)} ${'CONSUMER-ID'.padEnd(15)} ${'HOST'.padEnd(15)} CLIENT-ID`
    const row = `${group.padEnd(g)} ${topic.padEnd(t)} ${'0'.padEnd(10)} ${'3'.padEnd(15)} ${'5'.padEnd(15)} ${'2'.padEnd(15)} ${'-'.padEnd(15)} ${'-'.padEnd(15)} -`
    expect(described.stdout).toBe(`\n${header}\n${row}\n`)
    const state = await groups('--describe', '--group', group, '--state')
    expect(state.stdout).toMatch(new RegExp(`\\n${group} +127\\.0\\.0\\.1:\\d+  \\(1\\) +- +Empty +0\\n$`))
  })

  it('resets offsets as a dry run by default and commits them with --execute', async () => {
    const { topic, group } = await fixture(4, 4)
    const dry = await groups('--reset-offsets', '--group', group, '--topic', topic, '--to-earliest')
    expect(dry.code).toBe(0)
    expect(dry.stderr).toMatch(/^WARN: No action will be performed as the --execute option is missing/)
    const g = Math.max(15, group.length)
    const t = Math.max(15, topic.length)
    const table = `\n${'GROUP'.padEnd(g)} ${'TOPIC'.padEnd(t)} ${'PARTITION'.padEnd(10)} NEW-OFFSET\n${group.padEnd(g)} ${topic.padEnd(t)} ${'0'.padEnd(10)} 0\n`
    expect(dry.stdout).toBe(table)
    expect((await groups('--describe', '--group', group)).stdout).toMatch(/ 4 +4 +0 +- /)
    const shifted = await groups('--reset-offsets', '--group', group, '--topic', `${topic}:0`, '--shift-by', '-3', '--execute')
    expect(shifted.stdout).toContain(`${topic.padEnd(t)} ${'0'.padEnd(10)} 1\n`)
    expect((await groups('--describe', '--group', group)).stdout).toMatch(/ 1 +4 +3 +- /)
    const clamped = await groups('--reset-offsets', '--group', group, '--all-topics', '--to-offset', '99', '--execute')
    expect(clamped.stdout).toContain(`${topic.padEnd(t)} ${'0'.padEnd(10)} 4\n`)
    expect(clamped.stderr).toContain(`WARN New offset (99) is higher than latest offset for topic partition ${topic}-0. Value will be set to 4.`)
    const exported = await groups('--reset-offsets', '--group', group, '--all-topics', '--to-latest', '--dry-run', '--export')
    expect(exported.stdout).toBe(`${topic},0,4\n\n`)
  })

  it('deletes a group, and says when one does not exist', async () => {
    const { group } = await fixture(1, 1)
    expect(await groups('--delete', '--group', group)).toEqual({ code: 0, stdout: `Deletion of requested consumer groups ('${group}') was successful.\n`, stderr: '' })
    expect((await groups('--describe', '--group', group)).stdout).toBe(`\nError: Consumer group '${group}' does not exist.\n`)
    const again = await groups('--delete', '--group', group)
    expect(again.stdout).toBe(
      `\nError: Deletion of some consumer groups failed:\n* Group '${group}' could not be deleted due to: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n`,
    )
  })

  it('deletes offsets of a topic in Kafka\'s table layout, with a row for a missing topic', async () => {
    const { topic, group } = await fixture(3, 3)
    const missing = uniqueName('nope')
    const row = (t: string, p: string, status: string): string => `\n${t.padEnd(30)} ${p.padEnd(15)} ${status.padEnd(15)}`
    const deleted = await groups('--delete-offsets', '--group', group, '--topic', topic)
    expect(deleted).toEqual({ code: 0, stdout: `Request succeed for deleting offsets with topic ${topic} group ${group}\n${row('TOPIC', 'PARTITION', 'STATUS')}${row(topic, '0', 'Successful')}\n`, stderr: '' })
    expect((await groups('--describe', '--group', group)).stdout).not.toContain(topic)
    const partial = await groups('--delete-offsets', '--group', group, '--topic', `${topic}:0`, '--topic', missing)
    const unknown = 'Error: :org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.'
    expect(partial.stdout).toBe(
      `\nError: Encounter some partition level error, see the follow-up details:\n${row('TOPIC', 'PARTITION', 'STATUS')}${row(topic, '0', 'Successful')}${row(missing, 'Not Provided', unknown)}\n`,
    )
    expect((await groups('--delete-offsets', '--group', group)).code).toBe(1)
  })

  it('resets offsets from the CSV file --export writes', async () => {
    const { topic, group } = await fixture(5, 5)
    const exported = await groups('--reset-offsets', '--group', group, '--topic', topic, '--to-offset', '2', '--dry-run', '--export')
    expect(exported.stdout).toBe(`${topic},0,2\n\n`)
    const file = join(tempDir('brook-plan-'), 'plan.csv')
    writeFileSync(file, exported.stdout)
    const applied = await groups('--reset-offsets', '--group', group, '--from-file', file, '--execute')
    expect(applied.stdout).toContain(`${topic.padEnd(Math.max(15, topic.length))} ${'0'.padEnd(10)} 2\n`)
    expect((await groups('--describe', '--group', group)).stdout).toMatch(/ 2 +5 +3 +- /)
    writeFileSync(file, `other-group,${topic},0,1\n`)
    expect((await groups('--reset-offsets', '--group', group, '--from-file', file, '--execute')).stdout).toBe(
      `\nError: No reset plan for group ${group} found\n\n${'GROUP'.padEnd(Math.max(15, group.length))} ${'TOPIC'.padEnd(15)} ${'PARTITION'.padEnd(10)} NEW-OFFSET\n`,
    )
  })
})
