/**
 * Prometheus text exposition format 0.0.4: per family a `# HELP` and a `# TYPE` line, then one
 * line per sample, `name{label="value",...} number`. Label values escape `\`, `"` and newlines.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram'

export type Labels = Readonly<Record<string, string | number>>

export interface Sample {
  /** Suffix added to the family name (`_bucket`, `_sum`, `_count` of a histogram); empty otherwise. */
  readonly suffix?: string
  readonly labels?: Labels
  readonly value: number
}

export interface MetricFamily {
  readonly name: string
  readonly help: string
  readonly type: MetricType
  readonly samples: readonly Sample[]
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export function renderFamilies(families: Iterable<MetricFamily>): string {
  const out: string[] = []
  for (const f of families) {
    out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`)
    for (const s of f.samples) out.push(`${f.name}${s.suffix ?? ''}${renderLabels(s.labels)} ${renderNumber(s.value)}`)
  }
  out.push('')
  return out.join('\n')
}

function renderLabels(labels: Labels | undefined): string {
  if (labels === undefined) return ''
  const parts: string[] = []
  for (const [k, v] of Object.entries(labels)) parts.push(`${k}="${escapeLabel(String(v))}"`)
  return parts.length === 0 ? '' : `{${parts.join(',')}}`
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function renderNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (n === Infinity) return '+Inf'
  if (n === -Infinity) return '-Inf'
  return String(n)
}
