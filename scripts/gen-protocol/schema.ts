/**
 * Reads Kafka's JSON message schemas (JSON with comments) into a model the emitters use:
 * structures with their fields, each field's version ranges, and for every structure the
 * range of versions in which it can appear (so emitted version checks can be omitted when
 * they always hold).
 */
import { readFileSync } from 'node:fs'

/** Inclusive version range; empty when lo > hi; hi is Infinity for "N+". */
export interface Range {
  readonly lo: number
  readonly hi: number
}

export const EMPTY: Range = { lo: 1, hi: 0 }

export type Primitive =
  | 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'float64' | 'string' | 'bytes' | 'uuid' | 'records'

const PRIMITIVES: ReadonlySet<string> = new Set([
  'bool', 'int8', 'int16', 'int32', 'int64', 'uint16', 'float64', 'string', 'bytes', 'uuid', 'records',
])

export type FieldType =
  | { readonly kind: 'primitive'; readonly name: Primitive }
  | { readonly kind: 'struct'; readonly struct: StructSpec }
  | { readonly kind: 'array'; readonly elem: FieldType }

export type DefaultValue = string | number | boolean | null | undefined

export interface FieldSpec {
  readonly name: string
  readonly prop: string
  readonly type: FieldType
  readonly versions: Range
  readonly nullable: Range
  readonly tagged: Range
  readonly tag: number | undefined
  /** Field-level override of the message's flexible versions (RequestHeader.ClientId). */
  readonly flexible: Range | undefined
  readonly default: DefaultValue
}

export interface StructSpec {
  readonly schemaName: string
  tsName: string
  readonly fields: FieldSpec[]
  /** Versions in which this structure is (de)serialized: the hull over its uses. */
  range: Range
}

export interface MessageSpec {
  readonly name: string
  readonly type: string
  readonly apiKey: number | undefined
  readonly listeners: readonly string[]
  readonly validVersions: Range
  readonly flexibleVersions: Range
  readonly latestVersionUnstable: boolean
  readonly root: StructSpec
  /** Every structure of the message, root first, in definition order. */
  readonly structs: readonly StructSpec[]
}

interface RawField {
  name: string
  type: string
  versions?: string
  nullableVersions?: string
  taggedVersions?: string
  /** A number, but a few schemas write it as a string ("0"). */
  tag?: number | string
  flexibleVersions?: string
  default?: string | number | boolean | null
  fields?: RawField[]
}

interface RawStruct {
  name: string
  versions?: string
  fields: RawField[]
}

interface RawMessage {
  name: string
  type: string
  apiKey?: number
  listeners?: string[]
  validVersions: string
  flexibleVersions: string
  latestVersionUnstable?: boolean
  fields: RawField[]
  commonStructs?: RawStruct[]
}

/** Removes `//` and `/* *\/` comments outside string literals. */
export function stripComments(text: string): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (c === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      out += text.slice(i, j + 1)
      i = j + 1
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      if (end < 0) throw new Error('unterminated block comment')
      i = end + 2
    } else {
      out += c
      i++
    }
  }
  return out
}

export function parseVersions(s: string | undefined): Range {
  if (s === undefined || s === 'none') return EMPTY
  const plus = /^(\d+)\+$/.exec(s)
  if (plus) return { lo: Number(plus[1]), hi: Infinity }
  const range = /^(\d+)-(\d+)$/.exec(s)
  if (range) return { lo: Number(range[1]), hi: Number(range[2]) }
  if (/^\d+$/.test(s)) return { lo: Number(s), hi: Number(s) }
  throw new Error(`bad version string ${JSON.stringify(s)}`)
}

export function isEmpty(r: Range): boolean {
  return r.lo > r.hi
}

export function intersect(a: Range, b: Range): Range {
  const r = { lo: Math.max(a.lo, b.lo), hi: Math.min(a.hi, b.hi) }
  return isEmpty(r) ? EMPTY : r
}

export function hull(a: Range, b: Range): Range {
  if (isEmpty(a)) return b
  if (isEmpty(b)) return a
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) }
}

/** Same casing rule as Kafka's generator: lower-case the first letter. */
export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
}

export function readMessage(file: string): MessageSpec {
  const raw = JSON.parse(stripComments(readFileSync(file, 'utf8'))) as RawMessage
  const common = new Map<string, RawStruct>((raw.commonStructs ?? []).map((s) => [s.name, s]))
  const built = new Map<string, StructSpec>()
  const structs: StructSpec[] = []

  const buildStruct = (name: string, fields: RawField[]): StructSpec => {
    const existing = built.get(name)
    if (existing) return existing
    const spec: StructSpec = { schemaName: name, tsName: name, fields: [], range: EMPTY }
    built.set(name, spec)
    structs.push(spec)
    for (const f of fields) spec.fields.push(buildField(f))
    return spec
  }

  const buildType = (type: string, f: RawField): FieldType => {
    if (type.startsWith('[]')) return { kind: 'array', elem: buildType(type.slice(2), f) }
    if (PRIMITIVES.has(type)) return { kind: 'primitive', name: type as Primitive }
    if (f.fields) return { kind: 'struct', struct: buildStruct(type, f.fields) }
    const c = common.get(type)
    if (!c) throw new Error(`${raw.name}: unknown type ${type} of field ${f.name}`)
    return { kind: 'struct', struct: buildStruct(type, c.fields) }
  }

  const buildField = (f: RawField): FieldSpec => {
    const versions = parseVersions(f.versions ?? f.taggedVersions)
    const tagged = parseVersions(f.taggedVersions)
    if (f.tag !== undefined && (tagged.lo !== versions.lo || tagged.hi !== versions.hi)) {
      throw new Error(`${raw.name}.${f.name}: tagged in only some of its versions`)
    }
    return {
      name: f.name,
      prop: camelCase(f.name),
      type: buildType(f.type, f),
      versions,
      nullable: parseVersions(f.nullableVersions),
      tagged,
      tag: f.tag === undefined ? undefined : parseTag(f.tag, `${raw.name}.${f.name}`),
      flexible: f.flexibleVersions === undefined ? undefined : parseVersions(f.flexibleVersions),
      default: f.default,
    }
  }

  const root = buildStruct(raw.name, raw.fields)
  const validVersions = parseVersions(raw.validVersions)
  widen(root, validVersions)
  return {
    name: raw.name,
    type: raw.type,
    apiKey: raw.apiKey,
    listeners: raw.listeners ?? [],
    validVersions,
    flexibleVersions: parseVersions(raw.flexibleVersions),
    latestVersionUnstable: raw.latestVersionUnstable ?? false,
    root,
    structs,
  }
}

function parseTag(tag: number | string, where: string): number {
  const n = Number(tag)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${where}: bad tag ${JSON.stringify(tag)}`)
  return n
}

/** Extends a structure's range by the versions of one use and walks into its fields. */
function widen(s: StructSpec, range: Range): void {
  s.range = hull(s.range, range)
  for (const f of s.fields) {
    const fr = intersect(f.versions, range)
    if (isEmpty(fr)) continue
    const t = f.type.kind === 'array' ? f.type.elem : f.type
    if (t.kind === 'struct') widen(t.struct, fr)
  }
}
