import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { consoleConsumerTool } from '../../src/tools/console-consumer.js'
import { consoleProducerTool } from '../../src/tools/console-producer.js'
import { topicsTool } from '../../src/tools/topics.js'
import { startTestBroker } from '../helpers/broker.js'
import { uniqueName } from '../helpers/index.js'
import { runInProcess } from './run-tool.js'

let broker: Broker
let bootstrap: string
beforeAll(async () => {
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } })
  bootstrap = broker.bootstrap
})
afterAll(() => broker.close())

const produce = (topic: string, stdin: string, ...argv: string[]) =>
  runInProcess(consoleProducerTool, ['--bootstrap-server', bootstrap, '--topic', topic, ...argv], { stdin })
const consume = (topic: string, ...argv: string[]) =>
  runInProcess(consoleConsumerTool, ['--bootstrap-server', bootstrap, '--topic', topic, '--timeout-ms', '5000', ...argv])

describe('console producer and consumer', () => {
  it('round-trips keyed lines', async () => {
    const topic = uniqueName('cc')
    await runInProcess(topicsTool, ['--bootstrap-server', bootstrap, '--create', '--topic', topic, '--partitions', '1'])
    const produced = await produce(topic, 'k1:hello\nk2:world\n', '--property', 'parse.key=true', '--property', 'key.separator=:')
    expect(produced).toEqual({ code: 0, stdout: '', stderr: '' })
    const consumed = await consume(topic, '--from-beginning', '--max-messages', '2', '--property', 'print.key=true', '--property', 'print.offset=true')
    expect(consumed.stdout).toBe('Offset:0\tk1\thello\nOffset:1\tk2\tworld\n')
  })

  it('consumes in a group', async () => {
    const topic = uniqueName('cg')
    const group = uniqueName('g')
    await produce(topic, 'a\nb\nc\n')
    const consumed = await consume(topic, '--from-beginning', '--group', group, '--max-messages', '3')
    expect(consumed.stdout).toBe('a\nb\nc\n')
  })
})
