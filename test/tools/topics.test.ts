import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Broker } from '../../src/broker.js'
import { topicsTool } from '../../src/tools/topics.js'
import { startTestBroker } from '../helpers/broker.js'
import { uniqueName } from '../helpers/index.js'
import { runInProcess } from './run-tool.js'

let broker: Broker
let bootstrap: string
beforeAll(async () => {
  broker = await startTestBroker()
  bootstrap = broker.bootstrap
})
afterAll(() => broker.close())

const topics = (...argv: string[]) => runInProcess(topicsTool, ['--bootstrap-server', bootstrap, ...argv])

describe('kafka-topics', () => {
  it('creates, describes, lists, alters and deletes', async () => {
    const name = uniqueName('tt')
    const created = await topics('--create', '--topic', name, '--partitions', '2', '--config', 'retention.ms=1000')
    expect(created).toEqual({ code: 0, stdout: `Created topic ${name}.\n`, stderr: '' })
    const described = await topics('--describe', '--topic', name)
    console.log(JSON.stringify(described))
  })
})
