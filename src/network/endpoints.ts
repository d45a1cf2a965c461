/**
 * Kafka's listener syntax: `NAME://host:port[,NAME://host:port...]`, IPv6 hosts in brackets.
 * An empty host binds every interface; NAME maps to a security protocol through
 * `listener.security.protocol.map`. Listener names are upper-cased, as Kafka normalises them.
 */
import { hostname } from 'node:os'
import { BrookError, BrookErrorCode } from '../brook-error.js'
import type { BrokerConfig } from '../config/broker-config.js'

export interface Endpoint {
  readonly listenerName: string
  readonly securityProtocol: string
  /** null: every interface (bind) or this machine's host name (advertise). */
  readonly host: string | null
  readonly port: number
}

export interface ListenerPlan {
  /** What to bind. */
  readonly listeners: readonly Endpoint[]
  /** What to advertise, by listener name; port 0 is replaced by the bound port once known. */
  readonly advertised: readonly Endpoint[]
}

const SERVED_PROTOCOLS = new Set(['PLAINTEXT'])
const ENDPOINT = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/

/** Validates listeners and advertised.listeners together; errors name the offending key. */
export function planListeners(config: BrokerConfig): ListenerPlan {
  const protocols = parseProtocolMap(config.get('listener.security.protocol.map'))
  const listeners = parseEndpoints('listeners', config.get('listeners'), protocols)
  if (listeners.length === 0) throw invalid('listeners', config.get('listeners'), 'at least one listener')
  checkUnique('listeners', listeners)
  for (const l of listeners) {
    if (!SERVED_PROTOCOLS.has(l.securityProtocol)) {
      throw new BrookError(
        BrookErrorCode.CONFIG_INVALID,
        `listeners: listener ${l.listenerName} uses security protocol ${l.securityProtocol}; Brook serves PLAINTEXT only so far`,
      )
    }
  }
  const advertisedRaw = config.get('advertised.listeners')
  const advertised = advertisedRaw === null ? listeners : parseEndpoints('advertised.listeners', advertisedRaw, protocols)
  checkUnique('advertised.listeners', advertised, false)
  const names = new Set(listeners.map((l) => l.listenerName))
  for (const a of advertised) {
    if (!names.has(a.listenerName)) {
      throw invalid('advertised.listeners', advertisedRaw ?? '', `listener names that are also in listeners (${[...names].join(', ')})`)
    }
    if (a.host === '0.0.0.0') {
      const key = advertisedRaw === null ? 'listeners (advertised when advertised.listeners is not set)' : 'advertised.listeners'
      throw new BrookError(BrookErrorCode.CONFIG_INVALID, `${key} cannot advertise the non-routable address 0.0.0.0; set advertised.listeners to an address clients can reach`)
    }
  }
  return { listeners, advertised }
}

/** The host clients are told for an endpoint without one: this machine's name, as Kafka does. */
export function advertisedHost(endpoint: Endpoint): string {
  return endpoint.host ?? hostname()
}

export function parseProtocolMap(value: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const entry of splitList(value)) {
    const [name, protocol, ...rest] = entry.split(':')
    if (!name || !protocol || rest.length > 0) {
      throw invalid('listener.security.protocol.map', value, 'NAME:PROTOCOL pairs separated by commas')
    }
    map.set(name.trim().toUpperCase(), protocol.trim().toUpperCase())
  }
  return map
}

export function parseEndpoints(key: string, value: string, protocols: ReadonlyMap<string, string>): Endpoint[] {
  return splitList(value).map((entry) => {
    const match = ENDPOINT.exec(entry)
    if (!match) throw invalid(key, value, 'NAME://host:port entries separated by commas')
    const listenerName = (match[1] as string).toUpperCase()
    const port = Number(match[3])
    if (port < 0 || port > 65535) throw invalid(key, value, 'ports between 0 and 65535')
    const securityProtocol = protocols.get(listenerName)
    if (!securityProtocol) {
      throw new BrookError(
        BrookErrorCode.CONFIG_INVALID,
        `${key}: no security protocol defined for listener ${listenerName}; add it to listener.security.protocol.map`,
      )
    }
    return { listenerName, securityProtocol, host: match[2] || null, port }
  })
}

function checkUnique(key: string, endpoints: readonly Endpoint[], portsToo = true): void {
  const names = new Set<string>()
  const addresses = new Set<string>()
  for (const e of endpoints) {
    if (names.has(e.listenerName)) {
      throw new BrookError(BrookErrorCode.CONFIG_INVALID, `${key}: listener name ${e.listenerName} appears twice`)
    }
    names.add(e.listenerName)
    const address = `${e.host ?? ''}:${e.port}`
    if (portsToo && e.port !== 0 && addresses.has(address)) {
      throw new BrookError(BrookErrorCode.CONFIG_INVALID, `${key}: two listeners bind ${address}`)
    }
    addresses.add(address)
  }
}

function splitList(value: string): string[] {
  const trimmed = value.trim()
  return trimmed === '' ? [] : trimmed.split(/\s*,\s*/)
}

function invalid(key: string, value: string, expectation: string): BrookError {
  return new BrookError(BrookErrorCode.CONFIG_INVALID, `Invalid value "${value}" for configuration ${key}: expected ${expectation}`)
}
