/**
 * How one config key is declared: Kafka's type names, Kafka's parsing rules (values are trimmed;
 * booleans are `true`/`false` in any case; lists split on commas), a default, an optional
 * validator and a documentation line. The broker and topic config tables are built from these.
 */
export type ConfigType = 'boolean' | 'string' | 'password' | 'short' | 'int' | 'long' | 'double' | 'list'

/** Checks a parsed value; returns what was expected when the value is not acceptable. */
export interface Validator<T> {
  readonly expectation: string
  readonly accepts: (value: T) => boolean
}

export interface ConfigDef<T> {
  readonly type: ConfigType
  readonly default: T
  readonly doc: string
  readonly validator?: Validator<NonNullable<T>>
  /** False while no code reads the key yet (it is accepted and validated all the same). */
  readonly inUse?: boolean
}

export type ConfigValue<D> = D extends ConfigDef<infer T> ? T : never

interface DefOptions<T, D extends T | null> {
  readonly default: D
  readonly doc: string
  readonly validator?: Validator<T>
  readonly inUse?: boolean
}

type Nullable<T, D> = T | (null extends D ? null : never)

function define<T>(type: ConfigType) {
  return <D extends T | null>(o: DefOptions<T, D>): ConfigDef<Nullable<T, D>> =>
    ({ type, ...o }) as ConfigDef<Nullable<T, D>>
}

export const boolean = define<boolean>('boolean')
export const string = define<string>('string')
export const password = define<string>('password')
export const short = define<number>('short')
export const int = define<number>('int')
/**
 * int64 configs are held as numbers: every value Kafka users set fits in 2^53; the few
 * defaults at Long.MAX_VALUE (meaning "never") round to 2^63, which still means never.
 */
export const long = define<number>('long')
/** Java's Long.MAX_VALUE as a number (rounded to 2^63; see `long`). */
export const LONG_MAX = 2 ** 63
export const double = define<number>('double')
export const list = define<readonly string[]>('list')

export const atLeast = (min: number): Validator<number> => ({
  expectation: `a value of at least ${min}`,
  accepts: (v) => v >= min,
})

export const between = (min: number, max: number): Validator<number> => ({
  expectation: `a value in [${min}, ${max}]`,
  accepts: (v) => v >= min && v <= max,
})

export const oneOf = (...allowed: string[]): Validator<string> => ({
  expectation: `one of ${allowed.join(', ')}`,
  accepts: (v) => allowed.includes(v),
})

/** A value as Kafka prints it (DescribeConfigs, server.properties): lists comma-joined, null empty. */
export function formatConfigValue(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.join(',')
  if (value === LONG_MAX) return '9223372036854775807'
  return String(value)
}

const TYPE_EXPECTATION: Record<ConfigType, string> = {
  boolean: 'a boolean (true or false)',
  string: 'a string',
  password: 'a password string',
  short: 'a short (16-bit integer)',
  int: 'an int (32-bit integer)',
  long: 'a long (64-bit integer)',
  double: 'a double (floating-point number)',
  list: 'a list (comma-separated values)',
}

const INTEGER = /^[+-]?\d+$/
const INTEGER_RANGES = {
  short: [-(2n ** 15n), 2n ** 15n - 1n],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
} as const

/** Parses a raw string as Kafka's ConfigDef.parseType does; throws a message naming the key. */
export function parseConfigValue<T>(key: string, def: ConfigDef<T>, raw: string): T {
  const value = parseByType(def.type, raw.trim())
  if (value === undefined) throw new Error(invalid(key, raw, TYPE_EXPECTATION[def.type]))
  const validator = def.validator as Validator<unknown> | undefined
  if (validator && !validator.accepts(value)) throw new Error(invalid(key, raw, validator.expectation))
  return value as T
}

function invalid(key: string, raw: string, expectation: string): string {
  return `Invalid value "${raw}" for configuration ${key}: expected ${expectation}`
}

function parseByType(type: ConfigType, s: string): unknown {
  switch (type) {
    case 'boolean': {
      const lower = s.toLowerCase()
      return lower === 'true' ? true : lower === 'false' ? false : undefined
    }
    case 'string':
    case 'password':
      return s
    case 'short':
    case 'int':
    case 'long': {
      if (!INTEGER.test(s)) return undefined
      const n = BigInt(s)
      const [min, max] = INTEGER_RANGES[type]
      return n >= min && n <= max ? Number(n) : undefined
    }
    case 'double': {
      const n = Number(s)
      return s !== '' && Number.isFinite(n) ? n : undefined
    }
    case 'list':
      return s === '' ? [] : s.split(/\s*,\s*/)
  }
}
