/**
 * Java `.properties` syntax, as java.util.Properties.load reads it:
 * - a logical line may continue over natural lines: an odd number of backslashes at the end of a
 *   line joins the next one, whose leading whitespace is dropped;
 * - lines whose first non-blank character is `#` or `!` are comments (they never continue);
 * - the key ends at the first unescaped `=`, `:` or whitespace; blanks and one `=`/`:` follow;
 * - escapes: `\t \n \r \f`, `\uXXXX`, and `\x` for any other x is x itself.
 * Later keys replace earlier ones, as in Java.
 */
export function parseProperties(text: string): Map<string, string> {
  const result = new Map<string, string>()
  const lines = text.split(/\r\n|\r|\n/)
  for (let i = 0; i < lines.length; i++) {
    let line = stripLeadingBlanks(lines[i] ?? '')
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    while (endsWithContinuation(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + stripLeadingBlanks(lines[++i] ?? '')
    }
    if (endsWithContinuation(line)) line = line.slice(0, -1)
    const [key, value] = splitKeyValue(line)
    result.set(unescape(key), unescape(value))
  }
  return result
}

const BLANK = /^[ \t\f]*/

function stripLeadingBlanks(s: string): string {
  return s.replace(BLANK, '')
}

function endsWithContinuation(line: string): boolean {
  let slashes = 0
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) slashes++
  return slashes % 2 === 1
}

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\f'
}

function splitKeyValue(line: string): [string, string] {
  let i = 0
  while (i < line.length) {
    const c = line[i] as string
    if (c === '\\') {
      i += 2
      continue
    }
    if (c === '=' || c === ':' || isBlank(c)) break
    i++
  }
  const key = line.slice(0, Math.min(i, line.length))
  let j = i
  while (j < line.length && isBlank(line[j] as string)) j++
  if (j < line.length && (line[j] === '=' || line[j] === ':')) j++
  while (j < line.length && isBlank(line[j] as string)) j++
  return [key, line.slice(j)]
}

const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' }

function unescape(s: string): string {
  if (!s.includes('\\')) return s
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string
    if (c !== '\\' || i + 1 >= s.length) {
      out += c
      continue
    }
    const next = s[++i] as string
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5)
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error(`malformed \\uxxxx escape in "${s}"`)
      out += String.fromCharCode(parseInt(hex, 16))
      i += 4
    } else {
      out += SIMPLE_ESCAPES[next] ?? next
    }
  }
  return out
}
