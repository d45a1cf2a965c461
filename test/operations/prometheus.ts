/** Reads Prometheus text (the format /metrics serves) into samples the tests can look up. */
export type Samples = Map<string, number>

/** `name{a="x",b="y"}` with labels sorted, as keys of the parsed map. */
export function sampleKey(name: string, labels: Readonly<Record<string, string | number>> = {}): string {
  const parts = Object.entries(labels)
    .map(([k, v]) => `${k}="${String(v)}"`)
    .sort()
  return parts.length === 0 ? name : `${name}{${parts.join(',')}}`
}

export function parseMetrics(text: string): Samples {
  const samples: Samples = new Map()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m) throw new Error(`not a sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!
    samples.set(sampleKey(m[1]!, labels), Number(m[3]))
  }
  return samples
}

/** A sample's value; 0 when the series does not exist yet (a counter that has not moved). */
export function value(samples: Samples, name: string, labels: Readonly<Record<string, string | number>> = {}): number {
  return samples.get(sampleKey(name, labels)) ?? 0
}

/** Sum over every series of `name` whose labels include `labels`. */
export function sum(samples: Samples, name: string, labels: Readonly<Record<string, string | number>> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${String(v)}"`)
  let total = 0
  for (const [key, v] of samples) {
    if (key !== name && !key.startsWith(`${name}{`)) continue
    if (wanted.every((w) => key.includes(w))) total += v
  }
  return total
}

export async function scrape(url: string): Promise<Samples> {
  const res = await fetch(`${url}/metrics`)
  if (res.status !== 200) throw new Error(`GET /metrics: ${res.status}`)
  return parseMetrics(await res.text())
}
