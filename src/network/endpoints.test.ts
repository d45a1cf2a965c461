import { describe, expect, it } from 'vitest'
import { BrokerConfig } from '../config/broker-config.js'
import { planListeners } from './endpoints.js'

const plan = (entries: Record<string, string>) =>
  planListeners(BrokerConfig.resolve([{ name: 'test', entries: new Map(Object.entries(entries)) }]))

describe('planListeners', () => {
  it('binds and advertises Kafka default listener', () => {
    const p = plan({})
    expect(p.listeners).toEqual([{ listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: null, port: 9092 }])
    expect(p.advertised).toEqual(p.listeners)
  })

  it('parses hosts, IPv6 brackets, named listeners and advertised addresses', () => {
    const p = plan({
      listeners: 'plaintext://127.0.0.1:0, INTERNAL://[::1]:9093',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT',
      'advertised.listeners': 'PLAINTEXT://localhost:29092',
    })
    expect(p.listeners).toEqual([
      { listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 0 },
      { listenerName: 'INTERNAL', securityProtocol: 'PLAINTEXT', host: '::1', port: 9093 },
    ])
    expect(p.advertised).toEqual([{ listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: 'localhost', port: 29092 }])
  })

  it('names the key in every rejection', () => {
    expect(() => plan({ listeners: 'localhost:9092' })).toThrow(/configuration listeners: expected NAME:\/\/host:port/)
    expect(() => plan({ listeners: 'OUTSIDE://:9092' })).toThrow(/listeners: no security protocol defined for listener OUTSIDE/)
    expect(() => plan({ listeners: 'SSL://:9093' })).toThrow(/listeners: listener SSL uses security protocol SSL/)
    expect(() => plan({ listeners: 'PLAINTEXT://:9092,PLAINTEXT://:9093' })).toThrow(/appears twice/)
    expect(() => plan({ listeners: 'PLAINTEXT://:70000' })).toThrow(/ports between 0 and 65535/)
    expect(() => plan({ 'advertised.listeners': 'OTHER://h:1', 'listener.security.protocol.map': 'OTHER:PLAINTEXT,PLAINTEXT:PLAINTEXT' })).toThrow(
      /advertised\.listeners: expected listener names that are also in listeners/,
    )
    expect(() => plan({ listeners: 'PLAINTEXT://0.0.0.0:9092' })).toThrow(/cannot advertise the non-routable address 0\.0\.0\.0/)
    expect(() => plan({ 'listener.security.protocol.map': 'PLAINTEXT' })).toThrow(/listener\.security\.protocol\.map/)
  })
})
