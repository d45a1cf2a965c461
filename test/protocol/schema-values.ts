/**
 * Test helper: builds values for a schema structure at one version, straight from Kafka's
 * JSON schemas (independently of the generated code), so round trips check the generator.
 * Present fields get non-default pseudo-random values, absent ones the schema default.
 */
import { isEmpty, type FieldSpec, type FieldType, type Primitive, type Range, type StructSpec } from '../../scripts/gen-protocol/schema.js'
import { ZERO_UUID } from '../../src/protocol/primitives/uuid.js'

export type Value = string | number | bigint | boolean | Buffer | null | Value[] | { [k: string]: Value }

/** mulberry32: a small deterministic generator, values in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function inRange(r: Range, v: number): boolean {
  return !isEmpty(r) && v >= r.lo && v <= r.hi
}

function isNullDefault(f: FieldSpec): boolean {
  return f.default === null || f.default === 'null'
}

export function defaultStruct(s: StructSpec): { [k: string]: Value } {
  const o: { [k: string]: Value } = {}
  for (const f of s.fields) o[f.prop] = defaultValue(f)
  return o
}

export function defaultValue(f: FieldSpec): Value {
  const t = f.type
  if (t.kind === 'array') return isNullDefault(f) ? null : []
  if (t.kind === 'struct') return isNullDefault(f) ? null : defaultStruct(t.struct)
  const d = f.default
  switch (t.name) {
    case 'bool': return d === true || d === 'true'
    case 'int64': return BigInt(d ?? 0)
    case 'string': return isNullDefault(f) ? null : String(d ?? '')
    case 'uuid': return ZERO_UUID
    case 'bytes': return isNullDefault(f) ? null : Buffer.alloc(0)
    case 'records': return null
    default: return Number(d ?? 0)
  }
}

const CHARS = ['a', 'b', 'z', 'Q', '0', '-', '.', '_', 'é', '€', '😀']

function randomPrimitive(p: Primitive, rand: () => number): Value {
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1))
  switch (p) {
    case 'bool': return rand() < 0.5
    case 'int8': return int(-128, 127)
    case 'int16': return int(-32768, 32767)
    case 'uint16': return int(0, 65535)
    case 'int32': return rand() < 0.1 ? (rand() < 0.5 ? -2147483648 : 2147483647) : int(-2147483648, 2147483647)
    case 'int64': {
      if (rand() < 0.1) return rand() < 0.5 ? -(2n ** 63n) : 2n ** 63n - 1n
      return BigInt.asIntN(64, (BigInt(int(0, 0xffffffff)) << 32n) | BigInt(int(0, 0xffffffff)))
    }
    case 'float64': return (rand() - 0.5) * 1e9
    case 'string': return Array.from({ length: int(1, 6) }, () => CHARS[int(0, CHARS.length - 1)]).join('')
    case 'uuid': return Buffer.from(Array.from({ length: 16 }, () => int(0, 255))).toString('base64url')
    case 'bytes':
    case 'records': return Buffer.from(Array.from({ length: int(1, 9) }, () => int(0, 255)))
  }
}

function randomOf(t: FieldType, v: number, rand: () => number): Value {
  if (t.kind === 'array') return [randomOf(t.elem, v, rand), randomOf(t.elem, v, rand)]
  if (t.kind === 'struct') return buildValue(t.struct, v, rand)
  return randomPrimitive(t.name, rand)
}

function sameValue(a: Value, b: Value): boolean {
  return Buffer.isBuffer(a) && Buffer.isBuffer(b) ? a.equals(b) : a === b
}

/** A non-default value for a field present in version `v`; sometimes null where allowed. */
function fieldValue(f: FieldSpec, v: number, rand: () => number): Value {
  const dflt = defaultValue(f)
  if (inRange(f.nullable, v) && dflt !== null && rand() < 0.25) return null
  for (;;) {
    const x = randomOf(f.type, v, rand)
    if (!sameValue(x, dflt)) return x
  }
}

export function buildValue(s: StructSpec, v: number, rand: () => number): { [k: string]: Value } {
  const o: { [k: string]: Value } = {}
  for (const f of s.fields) o[f.prop] = inRange(f.versions, v) ? fieldValue(f, v, rand) : defaultValue(f)
  return o
}
