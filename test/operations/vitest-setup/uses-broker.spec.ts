import { Kafka, logLevel } from 'kafkajs'
import { expect, inject, it } from 'vitest'

it('reaches the broker started by the global setup', async () => {
  const admin = new Kafka({ brokers: [inject('bootstrap')], logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: [{ topic: 'from-global-setup' }] })
    expect(await admin.listTopics()).toContain('from-global-setup')
  } finally {
    await admin.disconnect()
  }
})
