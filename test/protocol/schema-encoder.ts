/**
 * Test oracle: encodes a value by walking Kafka's schema at run time, written without
 * looking at the generator, so tests can compare the generated encoders' bytes with it.
 */
import { isDeepStrictEqual } from 'node:util'
import type { FieldSpec, FieldType, MessageSpec, StructSpec } from '../../scripts/gen-protocol/schema.js'
import { Writer } from '../../src/protocol/primitives/writer.js'
import { defaultValue, inRange, type Value } from './schema-values.js'

type Obj = { [k: string]: Value }

function writePrimitive(w: Writer, type: string, x: Value, flex: boolean, nullable: boolean): void {
  switch (type) {
    case 'bool': return w.writeBool(x as boolean)
    case 'int8': return w.writeInt8(x as number)
    case 'int16': return w.writeInt16(x as number)
    case 'uint16': return w.writeUint16(x as number)
    case 'int32': return w.writeInt32(x as number)
    case 'int64': return w.writeInt64(x as bigint)
    case 'float64': return w.writeFloat64(x as number)
    case 'uuid': return w.writeUuid(x as string)
    case 'string':
      if (x === null) return flex ? w.writeUnsignedVarint(0) : w.writeInt16(-1)
      if (!nullable && x === null) throw new Error('null in a non-nullable string')
      return flex ? w.writeCompactString(x as string) : w.writeString(x as string)
    default: {
      // bytes and records share one layout
      if (x === null) return flex ? w.writeUnsignedVarint(0) : w.writeInt32(-1)
      const b = x as Buffer
      if (flex) w.writeUnsignedVarint(b.length + 1)
      else w.writeInt32(b.length)
      return w.writeRawBytes(b)
    }
  }
}

function writeType(w: Writer, t: FieldType, x: Value, v: number, m: MessageSpec, flex: boolean, nullable: boolean): void {
  if (t.kind === 'primitive') return writePrimitive(w, t.name, x, flex, nullable)
  if (t.kind === 'struct') {
    if (nullable) w.writeInt8(x === null ? -1 : 1)
    if (x !== null) encodeStruct(w, t.struct, x as Obj, v, m)
    return
  }
  const items = x as Value[] | null
  const n = items === null ? -1 : items.length
  if (flex) w.writeUnsignedVarint(n + 1)
  else w.writeInt32(n)
  for (const item of items ?? []) writeType(w, t.elem, item, v, m, flex, false)
}

function writeField(w: Writer, f: FieldSpec, x: Value, v: number, m: MessageSpec): void {
  const flex = inRange(f.flexible ?? m.flexibleVersions, v)
  writeType(w, f.type, x, v, m, flex, inRange(f.nullable, v))
}

export function encodeStruct(w: Writer, s: StructSpec, o: Obj, v: number, m: MessageSpec): void {
  const isTagged = (f: FieldSpec): boolean => f.tag !== undefined && inRange(f.tagged, v)
  for (const f of s.fields) {
    if (inRange(f.versions, v) && !isTagged(f)) writeField(w, f, o[f.prop]!, v, m)
  }
  if (!inRange(m.flexibleVersions, v)) return
  const tagged = s.fields
    .filter((f) => isTagged(f) && !isDeepStrictEqual(o[f.prop], defaultValue(f)))
    .sort((a, b) => a.tag! - b.tag!)
  w.writeUnsignedVarint(tagged.length)
  for (const f of tagged) {
    const t = new Writer()
    writeField(t, f, o[f.prop]!, v, m)
    w.writeUnsignedVarint(f.tag!)
    w.writeUnsignedVarint(t.length)
    w.writeChunks(t.toChunks())
  }
}
