/**
 * Turns stdin lines into records as Kafka's LineMessageReader does: optional headers before
 * `headers.delimiter`, an optional key before `key.separator`, and `null.marker` for nulls.
 */
import type { RecordHeader } from '../../protocol/records/record.js'
import { ToolError } from '../client/tool-error.js'

export interface LineReaderConfig {
  readonly parseKey: boolean
  readonly keySeparator: string
  readonly parseHeaders: boolean
  readonly headersDelimiter: string
  readonly headersSeparator: string
  readonly headersKeySeparator: string
  readonly nullMarker: string | undefined
  readonly ignoreError: boolean
}

export interface ParsedLine {
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: RecordHeader[]
}

export function lineReaderConfig(props: ReadonlyMap<string, string>): LineReaderConfig {
  const bool = (k: string): boolean => props.get(k)?.trim().toLowerCase() === 'true'
  const config: LineReaderConfig = {
    parseKey: bool('parse.key'),
    keySeparator: props.get('key.separator') ?? '\t',
    parseHeaders: bool('parse.headers'),
    headersDelimiter: props.get('headers.delimiter') ?? '\t',
    headersSeparator: props.get('headers.separator') ?? ',',
    headersKeySeparator: props.get('headers.key.separator') ?? ':',
    nullMarker: props.get('null.marker'),
    ignoreError: bool('ignore.error'),
  }
  if (config.parseHeaders && config.headersDelimiter === config.headersSeparator) {
    throw new ToolError('headers.delimiter and headers.separator may not be equal')
  }
  if (config.nullMarker !== undefined && [config.keySeparator, config.headersDelimiter, config.headersSeparator, config.headersKeySeparator].includes(config.nullMarker)) {
    throw new ToolError('null.marker may not be equal to key.separator, headers.separator, headers.delimiter, or headers.key.separator')
  }
  return config
}

/** Parses line number `lineNumber` (1-based, for error messages). */
export function parseLine(line: string, lineNumber: number, c: LineReaderConfig): ParsedLine {
  let rest = line
  let headers: RecordHeader[] = []
  if (c.parseHeaders) {
    const at = rest.indexOf(c.headersDelimiter)
    if (at < 0) {
      if (!c.ignoreError) throw new ToolError(`No headers delimiter found on line number ${lineNumber}: '${line}'`)
    } else {
      headers = parseHeaders(rest.slice(0, at), lineNumber, line, c)
      rest = rest.slice(at + c.headersDelimiter.length)
    }
  }
  let key: string | null = null
  if (c.parseKey) {
    const at = rest.indexOf(c.keySeparator)
    if (at < 0) {
      if (!c.ignoreError) throw new ToolError(`No key separator found on line number ${lineNumber}: '${line}'`)
    } else {
      key = rest.slice(0, at)
      rest = rest.slice(at + c.keySeparator.length)
    }
  }
  return { key: bytesOrNull(key, c), value: bytesOrNull(rest, c), headers }
}

function parseHeaders(text: string, lineNumber: number, line: string, c: LineReaderConfig): RecordHeader[] {
  if (text === c.nullMarker) return []
  return text.split(c.headersSeparator).map((pair) => {
    const at = pair.indexOf(c.headersKeySeparator)
    if (at < 0) {
      if (c.ignoreError) return { key: pair, value: null }
      throw new ToolError(`No header key separator found in pair '${pair}' on line number ${lineNumber}: '${line}'`)
    }
    const key = pair.slice(0, at)
    if (key === c.nullMarker) throw new ToolError(`Header keys should not be equal to the null marker '${c.nullMarker}' as they can't be null`)
    return { key, value: bytesOrNull(pair.slice(at + c.headersKeySeparator.length), c) }
  })
}

function bytesOrNull(s: string | null, c: LineReaderConfig): Buffer | null {
  return s === null || s === c.nullMarker ? null : Buffer.from(s, 'utf8')
}
