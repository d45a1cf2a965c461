/**
 * Emits TypeScript for one structure: its interface, one encoder and one decoder with the
 * version checks inside, and on demand `defaultX()` / `isDefaultX()` helpers (for fields
 * absent in a version and for deciding whether a tagged field must be written).
 */
import { intersect, isEmpty, type FieldSpec, type FieldType, type Primitive, type Range, type StructSpec } from './schema.js'

/** A version condition: always, never, or a TypeScript expression over `version`. */
type Cond = boolean | string

/** What the emitted code of a module needs imported or defined. */
export interface Needs {
  zeroUuid: boolean
  emptyBuffer: boolean
  nullNotAllowed: boolean
  writerValue: boolean
  readonly defaults: Set<StructSpec>
  readonly isDefaults: Set<StructSpec>
}

export function newNeeds(): Needs {
  return { zeroUuid: false, emptyBuffer: false, nullNotAllowed: false, writerValue: false, defaults: new Set(), isDefaults: new Set() }
}

const FIXED: Partial<Record<Primitive, readonly [string, number]>> = {
  bool: ['Bool', 1],
  int8: ['Int8', 1],
  int16: ['Int16', 2],
  uint16: ['Uint16', 2],
  int32: ['Int32', 4],
  int64: ['Int64', 8],
  float64: ['Float64', 8],
  uuid: ['Uuid', 16],
}

const TS_PRIMITIVE: Record<Primitive, string> = {
  bool: 'boolean', int8: 'number', int16: 'number', uint16: 'number', int32: 'number', int64: 'bigint',
  float64: 'number', string: 'string', bytes: 'Buffer', uuid: 'string', records: 'Buffer',
}

export function versionCond(r: Range, ctx: Range): Cond {
  const x = intersect(r, ctx)
  if (isEmpty(x)) return false
  const parts: string[] = []
  if (x.lo > ctx.lo) parts.push(`version >= ${x.lo}`)
  if (x.hi < ctx.hi) parts.push(`version <= ${x.hi}`)
  return parts.length === 0 ? true : parts.join(' && ')
}

/** An expression choosing between two expressions by a condition. */
function branch(cond: Cond, fn: (b: boolean) => string): string {
  if (typeof cond === 'boolean') return fn(cond)
  return `(${cond} ? ${fn(true)} : ${fn(false)})`
}

/** The same for an expression statement (no leading parenthesis: the code has no semicolons). */
function stmtBranch(cond: Cond, fn: (b: boolean) => string): string {
  if (typeof cond === 'boolean') return fn(cond)
  return `${cond} ? ${fn(true)} : ${fn(false)}`
}

/** Drops parentheses that enclose the whole expression. */
function unwrap(e: string): string {
  if (!e.startsWith('(')) return e
  let depth = 0
  for (let i = 0; i < e.length; i++) {
    if (e[i] === '(') depth++
    else if (e[i] === ')' && --depth === 0 && i < e.length - 1) return e
  }
  return e.slice(1, -1)
}

/** Wraps section lines in `if (flexible)` unless the condition always holds. */
function guarded(cond: Cond, lines: string[]): string[] {
  if (cond === true) return lines
  if (lines.length === 1 && !/^(if|for|const) /.test(lines[0]!)) return [`if (${cond}) ${lines[0]}`]
  return [`if (${cond}) {`, ...indent(lines), '}']
}

function indent(lines: readonly string[]): string[] {
  return lines.map((l) => (l === '' ? l : `  ${l}`))
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

function elemOf(t: FieldType): FieldType {
  return t.kind === 'array' ? t.elem : t
}

export class StructEmitter {
  readonly #flexibleVersions: Range
  readonly #needs: Needs

  constructor(flexibleVersions: Range, needs: Needs) {
    this.#flexibleVersions = flexibleVersions
    this.#needs = needs
  }

  isTsNullable(f: FieldSpec): boolean {
    return !isEmpty(f.nullable) || (f.type.kind === 'primitive' && f.type.name === 'records')
  }

  #isNullDefault(f: FieldSpec): boolean {
    return f.default === null || f.default === 'null'
  }

  tsType(f: FieldSpec): string {
    const t = f.type
    const base =
      t.kind === 'primitive' ? TS_PRIMITIVE[t.name]
        : t.kind === 'struct' ? t.struct.tsName
          : `${elemOf(t).kind === 'struct' ? (elemOf(t) as { struct: StructSpec }).struct.tsName : TS_PRIMITIVE[(elemOf(t) as { name: Primitive }).name]}[]`
    return this.isTsNullable(f) ? `${base} | null` : base
  }

  defaultLiteral(f: FieldSpec): string {
    const t = f.type
    const d = f.default
    const nullDefault = this.#isNullDefault(f)
    if (nullDefault && !this.isTsNullable(f)) throw new Error(`${f.name}: null default on a non-nullable field`)
    if (t.kind === 'array') return nullDefault ? 'null' : '[]'
    if (t.kind === 'struct') {
      if (nullDefault) return 'null'
      this.#needs.defaults.add(t.struct)
      return `default${t.struct.tsName}()`
    }
    switch (t.name) {
      case 'bool':
        return String(d === true || d === 'true')
      case 'int64':
        return `${d === undefined ? 0n : BigInt(d as string | number)}n`
      case 'string':
        return nullDefault ? 'null' : quote(d === undefined ? '' : String(d))
      case 'uuid':
        if (d !== undefined) throw new Error(`${f.name}: uuid defaults are not supported`)
        this.#needs.zeroUuid = true
        return 'ZERO_UUID'
      case 'bytes':
        if (nullDefault) return 'null'
        this.#needs.emptyBuffer = true
        return 'EMPTY_BUFFER'
      case 'records':
        return 'null'
      default:
        return d === undefined ? '0' : String(Number(d))
    }
  }

  /** An expression that is true when `v` differs from the field's default. */
  nonDefault(f: FieldSpec, v: string): string {
    const t = f.type
    const nullDefault = this.#isNullDefault(f)
    const orNull = (e: string): string => (this.isTsNullable(f) ? `(${v} === null || ${e})` : e)
    if (t.kind === 'array') return nullDefault ? `${v} !== null` : orNull(`${v}.length > 0`)
    if (t.kind === 'struct') {
      if (nullDefault) return `${v} !== null`
      this.#needs.isDefaults.add(t.struct)
      return orNull(`!isDefault${t.struct.tsName}(${v})`)
    }
    switch (t.name) {
      case 'bytes':
        return nullDefault ? `${v} !== null` : orNull(`${v}.length > 0`)
      case 'records':
        return `${v} !== null`
      case 'bool':
        return this.defaultLiteral(f) === 'true' ? `!${v}` : v
      default:
        return `${v} !== ${this.defaultLiteral(f)}`
    }
  }

  #flex(f: FieldSpec, fr: Range): Cond {
    const c = versionCond(f.flexible ?? this.#flexibleVersions, fr)
    return typeof c === 'string' && f.flexible === undefined ? 'flexible' : c
  }

  #writePrimitive(t: Primitive, v: string, w: string, fc: Cond, nullable: boolean): string {
    const fixed = FIXED[t]
    if (fixed) return `${w}.write${fixed[0]}(${v})`
    const n = nullable ? 'Nullable' : ''
    if (t === 'records') return stmtBranch(fc, (c) => `${w}.write${c ? 'Compact' : ''}NullableRecords(${v})`)
    const kind = t === 'string' ? 'String' : 'Bytes'
    return stmtBranch(fc, (c) => `${w}.write${c ? 'Compact' : ''}${n}${kind}(${v})`)
  }

  #readPrimitive(t: Primitive, r: string, fc: Cond, nullable: boolean): string {
    const fixed = FIXED[t]
    if (fixed) return `${r}.read${fixed[0]}()`
    const kind = t === 'string' ? 'String' : 'Bytes'
    const n = nullable ? 'Nullable' : ''
    return branch(fc, (c) => `${r}.read${c ? 'Compact' : ''}${n}${kind}()`)
  }

  /** Statements writing field `f` (present in `fr`) from `v` into writer `w`. */
  encodeField(s: StructSpec, f: FieldSpec, fr: Range, w: string, v: string): string[] {
    const t = f.type
    const fc = this.#flex(f, fr)
    const nc = versionCond(f.nullable, fr)
    const tsNull = this.isTsNullable(f)
    const fail = (): string => {
      this.#needs.nullNotAllowed = true
      return `nullNotAllowed('${s.tsName}.${f.prop}', version)`
    }
    if (t.kind === 'primitive') {
      if (!tsNull) return [this.#writePrimitive(t.name, v, w, fc, false)]
      if (nc === true) return [this.#writePrimitive(t.name, v, w, fc, true)]
      if (nc === false) return [`if (${v} === null) ${fail()}`, this.#writePrimitive(t.name, v, w, fc, false)]
      return [`if (${v} === null && !(${nc})) ${fail()}`, this.#writePrimitive(t.name, v, w, fc, true)]
    }
    if (t.kind === 'array') {
      const e = t.elem
      const item = e.kind === 'struct' ? `encode${e.struct.tsName}(${w}, version, e)` : this.#writePrimitive((e as { name: Primitive }).name, 'e', w, fc, false)
      const nonNull = [stmtBranch(fc, (c) => `${w}.write${c ? 'Compact' : ''}ArrayLength(${v}.length)`), `for (const e of ${v}) ${item}`]
      const nullLen = stmtBranch(fc, (c) => `${w}.write${c ? 'Compact' : ''}ArrayLength(-1)`)
      if (!tsNull) return nonNull
      if (nc === true) return [`if (${v} === null) ${nullLen}`, 'else {', ...indent(nonNull), '}']
      if (nc === false) return [`if (${v} === null) ${fail()}`, ...nonNull]
      return [`if (${v} === null) {`, `  if (!(${nc})) ${fail()}`, `  ${nullLen}`, '} else {', ...indent(nonNull), '}']
    }
    const enc = `encode${t.struct.tsName}(${w}, version, ${v})`
    if (!tsNull) return [enc]
    if (nc === true) return [`if (${v} === null) ${w}.writeInt8(-1)`, 'else {', `  ${w}.writeInt8(1)`, `  ${enc}`, '}']
    if (nc === false) return [`if (${v} === null) ${fail()}`, enc]
    return [`if (${v} === null) {`, `  if (!(${nc})) ${fail()}`, `  ${w}.writeInt8(-1)`, '} else {', `  if (${nc}) ${w}.writeInt8(1)`, `  ${enc}`, '}']
  }

  /** An expression reading field `f` (present in `fr`) from reader `r`. */
  decodeField(f: FieldSpec, fr: Range, r: string): string {
    const t = f.type
    const fc = this.#flex(f, fr)
    const nc = this.isTsNullable(f) ? versionCond(f.nullable, fr) : false
    if (t.kind === 'primitive') {
      if (t.name === 'records') return branch(nc, (n) => this.#readPrimitive('bytes', r, fc, n))
      return branch(nc, (n) => this.#readPrimitive(t.name, r, fc, n))
    }
    if (t.kind === 'array') {
      const e = t.elem
      const item = (c: boolean): string =>
        e.kind === 'struct' ? `decode${e.struct.tsName}(x, version)` : this.#readPrimitive((e as { name: Primitive }).name, 'x', c, false)
      return branch(nc, (n) => branch(fc, (c) => `${r}.read${c ? 'Compact' : ''}${n ? 'Nullable' : ''}Array((x) => ${item(c)})`))
    }
    const dec = `decode${t.struct.tsName}(${r}, version)`
    return branch(nc, (n) => (n ? `(${r}.readInt8() < 0 ? null : ${dec})` : dec))
  }

  /** Interface, encoder and decoder of `s`; the top-level ones are exported. */
  emit(s: StructSpec, exported: boolean): string[] {
    const out: string[] = [`export interface ${s.tsName} {`]
    for (const f of s.fields) out.push(`  ${f.prop}: ${this.tsType(f)}`)
    out.push('}', '')
    out.push(...this.#emitEncode(s, exported), '', ...this.#emitDecode(s, exported), '')
    return out
  }

  #tagged(s: StructSpec): FieldSpec[] {
    return s.fields.filter((f) => f.tag !== undefined && versionCond(f.tagged, s.range) !== false).sort((a, b) => a.tag! - b.tag!)
  }

  #emitEncode(s: StructSpec, exported: boolean): string[] {
    const body: string[] = []
    for (const f of s.fields) {
      if (f.tag !== undefined) continue
      const p = versionCond(f.versions, s.range)
      if (p === false) continue
      const lines = this.encodeField(s, f, intersect(f.versions, s.range), 'w', `m.${f.prop}`)
      body.push(...guarded(p, lines))
    }
    const fsec = versionCond(this.#flexibleVersions, s.range)
    if (fsec !== false) {
      body.push(...guarded(fsec === true || 'flexible', this.#encodeTagged(s)))
    }
    return this.#fn(exported ? 'export ' : '', `encode${s.tsName}`, `w: Writer, version: number, m: ${s.tsName}`, 'void', body)
  }

  #encodeTagged(s: StructSpec): string[] {
    const tagged = this.#tagged(s)
    if (tagged.length === 0) return ['w.writeUnsignedVarint(0)']
    const out: string[] = []
    const flexRange = intersect(this.#flexibleVersions, s.range)
    for (const f of tagged) {
      const p = versionCond(f.tagged, flexRange)
      out.push(`const t${f.tag} = ${p === true ? '' : `${p} && `}${this.nonDefault(f, `m.${f.prop}`)}`)
    }
    out.push(`w.writeUnsignedVarint(${tagged.map((f) => `(t${f.tag} ? 1 : 0)`).join(' + ')})`)
    for (const f of tagged) {
      const tr = intersect(f.tagged, s.range)
      const fixed = f.type.kind === 'primitive' ? FIXED[f.type.name] : undefined
      out.push(`if (t${f.tag}) {`, `  w.writeUnsignedVarint(${f.tag})`)
      if (fixed) {
        out.push(`  w.writeUnsignedVarint(${fixed[1]})`, ...indent(this.encodeField(s, f, tr, 'w', `m.${f.prop}`)))
      } else {
        this.#needs.writerValue = true
        out.push('  const tw = new Writer(64)', ...indent(this.encodeField(s, f, tr, 'tw', `m.${f.prop}`)))
        out.push('  w.writeUnsignedVarint(tw.length)', '  w.writeChunks(tw.toChunks())')
      }
      out.push('}')
    }
    return out
  }

  #emitDecode(s: StructSpec, exported: boolean): string[] {
    const props: string[] = []
    for (const f of s.fields) {
      const p = f.tag !== undefined ? false : versionCond(f.versions, s.range)
      const fr = intersect(f.versions, s.range)
      const value = p === true ? unwrap(this.decodeField(f, fr, 'r'))
        : p === false ? this.defaultLiteral(f)
          : `${p} ? ${this.decodeField(f, fr, 'r')} : ${this.defaultLiteral(f)}`
      props.push(`  ${f.prop}: ${value},`)
    }
    const fsec = versionCond(this.#flexibleVersions, s.range)
    const body: string[] = []
    if (fsec === false) {
      body.push('return {', ...props, '}')
    } else {
      body.push(`const m: ${s.tsName} = {`, ...props, '}')
      body.push(...guarded(fsec === true || 'flexible', this.#decodeTagged(s)), 'return m')
    }
    return this.#fn(exported ? 'export ' : '', `decode${s.tsName}`, 'r: Reader, version: number', s.tsName, body)
  }

  #decodeTagged(s: StructSpec): string[] {
    const tagged = this.#tagged(s)
    if (tagged.length === 0) return ['r.skipTaggedFields()']
    const out = [
      'for (let n = r.readUnsignedVarint(); n > 0; n--) {',
      '  const tag = r.readUnsignedVarint()',
      '  const end = r.taggedFieldEnd()',
    ]
    const flexRange = intersect(this.#flexibleVersions, s.range)
    tagged.forEach((f, i) => {
      const p = versionCond(f.tagged, flexRange)
      const when = `tag === ${f.tag}${p === true ? '' : ` && ${p}`}`
      out.push(`  ${i === 0 ? 'if' : 'else if'} (${when}) m.${f.prop} = ${this.decodeField(f, intersect(f.tagged, s.range), 'r')}`)
    })
    out.push('  else {', '    r.skipTaggedField(end)', '    continue', '  }', '  r.endTaggedField(end)', '}')
    return out
  }

  /** A function; parameters the body does not use get a leading underscore. */
  #fn(prefix: string, name: string, params: string, ret: string, body: string[]): string[] {
    const head = /\bflexible\b/.test(body.join('\n')) ? [`const flexible = version >= ${this.#flexibleVersions.lo}`] : []
    const text = [...head, ...body].join('\n')
    const ps = params
      .split(', ')
      .map((p) => {
        const id = p.slice(0, p.indexOf(':'))
        return new RegExp(`(?<![.\\w])${id}\\b(?!:)`).test(text) ? p : `_${p}`
      })
      .join(', ')
    return [`${prefix}function ${name}(${ps}): ${ret} {`, ...indent([...head, ...body]), '}']
  }

  /** `defaultX()` and `isDefaultX()` helpers requested so far (they may request more). */
  emitHelpers(): string[] {
    const out: string[] = []
    const doneDefaults = new Set<StructSpec>()
    const doneIsDefaults = new Set<StructSpec>()
    for (;;) {
      const d = [...this.#needs.defaults].find((x) => !doneDefaults.has(x))
      if (d) {
        doneDefaults.add(d)
        out.push(`function default${d.tsName}(): ${d.tsName} {`, '  return {')
        for (const f of d.fields) out.push(`    ${f.prop}: ${this.defaultLiteral(f)},`)
        out.push('  }', '}', '')
        continue
      }
      const i = [...this.#needs.isDefaults].find((x) => !doneIsDefaults.has(x))
      if (!i) break
      doneIsDefaults.add(i)
      const lines = i.fields.map((f) => `  if (${this.nonDefault(f, `m.${f.prop}`)}) return false`)
      out.push(`function isDefault${i.tsName}(${lines.length ? 'm' : '_m'}: ${i.tsName}): boolean {`, ...lines, '  return true', '}', '')
    }
    return out
  }
}
