/**
 * The console consumer's deserializers, formatters, --skip-message-on-error and config files,
 * and the options it refuses.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { consoleConsumerTool } from '../../src/tools/console-consumer.js'
import { consoleProducerTool } from '../../src/tools/console-producer.js'
import { startTestBroker } from '../helpers/broker.js'
import { tempDir, uniqueName } from '../helpers/index.js'
import { runInProcess } from './run-tool.js'

let broker: Broker
let bootstrap: string
beforeAll(async () => {
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } })
  bootstrap = broker.bootstrap
})
afterAll(() => broker.close())

/** A one-partition topic holding `lines` keyed k0, k1, ... */
async function topicWith(lines: readonly string[]): Promise<string> {
  const topic = uniqueName('co')
  const stdin = lines.map((l, i) => `k${i}:${l}\n`).join('')
  const run = await runInProcess(consoleProducerTool, ['--bootstrap-server', bootstrap, '--topic', topic, '--property', 'parse.key=true', '--property', 'key.separator=:'], { stdin })
  expect(run.code).toBe(0)
  return topic
}

const consume = (topic: string, ...argv: string[]) =>
  runInProcess(consoleConsumerTool, ['--bootstrap-server', bootstrap, '--topic', topic, '--timeout-ms', '3000', ...argv])

const ERROR_LINE = /^\[[\d-]+ [\d:,]+\] ERROR /

describe('console consumer deserializers and formatters', () => {
  it('prints values through LongDeserializer and keys through StringDeserializer', async () => {
    const topic = await topicWith(['abcdefgh', 'ABCDEFGH'])
    const run = await consume(topic, '--from-beginning', '--max-messages', '2', '--property', 'print.key=true', '--value-deserializer', 'org.apache.kafka.common.serialization.LongDeserializer', '--key-deserializer', 'org.apache.kafka.common.serialization.StringDeserializer')
    expect(run).toEqual({ code: 0, stdout: 'k0\t7017280452245743464\nk1\t4702394921427289928\n', stderr: 'Processed a total of 2 messages\n' })
  })

  it('stops with exit 1 on a value it cannot deserialize, or skips it with --skip-message-on-error', async () => {
    const topic = await topicWith(['abcd', 'xyz', 'ABCD'])
    const stopped = await consume(topic, '--from-beginning', '--max-messages', '3', '--value-deserializer', 'IntegerDeserializer')
    expect(stopped.code).toBe(1)
    expect(stopped.stdout).toBe('1633837924\n')
    const lines = stopped.stderr.split('\n')
    expect(lines[0]).toMatch(ERROR_LINE)
    expect(lines[0]).toMatch(/Unknown error when running consumer: {2}\(org\.apache\.kafka\.tools\.consumer\.ConsoleConsumer\)$/)
    expect(lines.slice(1)).toEqual(['org.apache.kafka.common.errors.SerializationException: Size of data received by IntegerDeserializer is not 4', 'Processed a total of 2 messages', ''])

    const skipped = await consume(topic, '--from-beginning', '--max-messages', '3', '--value-deserializer', 'IntegerDeserializer', '--skip-message-on-error')
    expect(skipped.code).toBe(0)
    expect(skipped.stdout).toBe('1633837924\n1094861636\n')
    expect(skipped.stderr).toMatch(/ERROR Error processing message, skipping this message: {2}\(org\.apache\.kafka\.tools\.consumer\.ConsoleConsumer\)\norg\.apache\.kafka\.common\.errors\.SerializationException: Size of data received by IntegerDeserializer is not 4\nProcessed a total of 3 messages\n$/)
  })

  it('prints nothing with NoOpMessageFormatter and refuses unknown classes in one line', async () => {
    const topic = await topicWith(['a'])
    expect(await consume(topic, '--from-beginning', '--max-messages', '1', '--formatter', 'org.apache.kafka.tools.consumer.NoOpMessageFormatter')).toEqual({
      code: 0,
      stdout: '',
      stderr: 'Processed a total of 1 messages\n',
    })
    const formatter = await consume(topic, '--formatter', 'com.example.Fancy')
    expect(formatter.code).toBe(1)
    expect(formatter.stderr).toMatch(/^Error: --formatter com\.example\.Fancy is not supported: .*\n$/)
    const deserializer = await consume(topic, '--value-deserializer', 'com.example.AvroDeserializer')
    expect(deserializer.code).toBe(1)
    expect(deserializer.stderr).toMatch(/^Error: Deserializer com\.example\.AvroDeserializer is not supported: .*\n$/)
    expect((await consume(topic, '--enable-systest-events')).code).toBe(1)
  })
})

describe('console consumer config files', () => {
  it('joins the group and applies auto.offset.reset from --consumer.config', async () => {
    const topic = await topicWith(['one', 'two'])
    const group = uniqueName('cfg-group')
    const file = join(tempDir('brook-props-'), 'consumer.properties')
    writeFileSync(file, `group.id=${group}\nauto.offset.reset=earliest\nenable.auto.commit=true\n`)
    expect(await consume(topic, '--consumer.config', file, '--max-messages', '2')).toEqual({ code: 0, stdout: 'one\ntwo\n', stderr: 'Processed a total of 2 messages\n' })
    const mismatch = await consume(topic, '--consumer.config', file, '--group', 'other')
    expect(mismatch.code).toBe(1)
    expect(mismatch.stderr).toContain(`Detected group ids: '${'other'}', '${group}'`)
  })

  it('refuses the consumer group protocol and other assignors', async () => {
    const topic = await topicWith(['x'])
    const protocol = await consume(topic, '--consumer-property', 'group.protocol=consumer')
    expect(protocol).toEqual({ code: 1, stdout: '', stderr: "Error: group.protocol=consumer is not supported: Brook's console consumer joins groups with the classic protocol\n" })
    const assignor = await consume(topic, '--consumer-property', 'partition.assignment.strategy=org.apache.kafka.clients.consumer.CooperativeStickyAssignor')
    expect(assignor.code).toBe(1)
  })
})
