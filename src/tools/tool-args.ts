/**
 * Command-line parsing in the manner of Kafka's tools (jopt-simple): `--name value`,
 * `--name=value`, repeatable options, flags, and options whose argument is optional.
 * A usage error prints the message and the option table on stderr and exits 1.
 */
import { ToolError } from './client/tool-error.js'

export type OptionKind = 'flag' | 'value' | 'optional-value'

export interface OptionSpec {
  readonly kind: OptionKind
  readonly description: string
  /** Shown in the usage table as `<argName>`. */
  readonly argName?: string
  /** Shown as the default in the usage table. */
  readonly defaultValue?: string
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>

export class UsageError extends ToolError {
  override name = 'UsageError'
}

export class ParsedArgs {
  readonly #values: Map<string, string[]>

  constructor(values: Map<string, string[]>) {
    this.#values = values
  }

  has(name: string): boolean {
    return this.#values.has(name)
  }

  /** The last value given for `name`. */
  value(name: string): string | undefined {
    const v = this.#values.get(name)
    return v === undefined ? undefined : v[v.length - 1]
  }

  values(name: string): string[] {
    return this.#values.get(name) ?? []
  }

  int(name: string): number | undefined {
    const v = this.value(name)
    if (v === undefined) return undefined
    if (!/^[+-]?\d+$/.test(v.trim())) throw new UsageError(`Cannot parse argument '${v}' of option ${name}`)
    return Number(v)
  }
}

export function parseToolArgs(argv: readonly string[], specs: OptionSpecs): ParsedArgs {
  const values = new Map<string, string[]>()
  const add = (name: string, value: string): void => {
    const list = values.get(name)
    if (list) list.push(value)
    else values.set(name, [value])
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (!arg.startsWith('--') || arg === '--') continue
    const eq = arg.indexOf('=')
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq)
    const spec = specs[name]
    if (spec === undefined) throw new UsageError(`${name} is not a recognized option`)
    if (spec.kind === 'flag') {
      if (eq >= 0) throw new UsageError(`Option ${name} does not take an argument`)
      add(name, '')
    } else if (eq >= 0) {
      add(name, arg.slice(eq + 1))
    } else {
      const next = argv[i + 1]
      if (next !== undefined && !(spec.kind === 'optional-value' && next.startsWith('--'))) {
        add(name, next)
        i++
      } else if (spec.kind === 'optional-value') {
        add(name, '')
      } else {
        throw new UsageError(`Option ${name} requires an argument`)
      }
    }
  }
  return new ParsedArgs(values)
}

/** The option table jopt-simple prints under a usage error or --help. */
export function formatUsage(specs: OptionSpecs): string {
  const rows = Object.entries(specs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, s]) => {
      const arg = s.kind === 'flag' ? '' : s.kind === 'value' ? ` <${s.argName ?? name}>` : ` [${s.argName ?? name}]`
      const def = s.defaultValue === undefined ? '' : ` (default: ${s.defaultValue})`
      return [`--${name}${arg}`, `${s.description}${def}`] as const
    })
  const width = Math.max('Option'.length, ...rows.map(([o]) => o.length)) + 2
  const line = (a: string, b: string): string => `${a.padEnd(width)}${b}`
  return [line('Option', 'Description'), line('------', '-----------'), ...rows.map(([o, d]) => line(o, d))].join('\n') + '\n'
}

/** Splits `k=v` pairs as Kafka's CommandLineUtils.parseKeyValueArgs (a value may hold '='). */
export function parseKeyValues(pairs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq < 0) throw new UsageError(`Invalid command line properties: ${pair}`)
    out.set(pair.slice(0, eq), pair.slice(eq + 1))
  }
  return out
}

/** Java's `%-Ns`: left-aligned in at least `width` characters. */
export function pad(value: string | number, width: number): string {
  return String(value).padEnd(width)
}
