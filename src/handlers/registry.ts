import type { ApiHandler, HandlerRegistryView } from './handler.js'

/** Handlers by API key. One handler per API; ApiVersions lists them in key order. */
export class HandlerRegistry implements HandlerRegistryView {
  readonly #byKey = new Map<number, ApiHandler>()

  constructor(handlers: readonly ApiHandler[]) {
    for (const h of [...handlers].sort((a, b) => a.apiKey - b.apiKey)) {
      if (this.#byKey.has(h.apiKey)) throw new Error(`two handlers for ${h.name}`)
      this.#byKey.set(h.apiKey, h)
    }
  }

  get(apiKey: number): ApiHandler | undefined {
    return this.#byKey.get(apiKey)
  }

  versionRanges(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.#byKey.values()].map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
  }
}
