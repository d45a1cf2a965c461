import { describe, expect, it } from 'vitest'
import { parseProperties } from './properties.js'

describe('parseProperties', () => {
  it('reads = : and blank separators and skips comments and blank lines', () => {
    const text = ['# comment', '! also a comment', '', 'a=1', 'b: 2', 'c 3', '  d  =  4  ', 'e'].join('\n')
    expect([...parseProperties(text)]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4  '],
      ['e', ''],
    ])
  })

  it('joins continuation lines and drops their leading blanks', () => {
    const props = parseProperties('listeners=PLAINTEXT://:9092,\\\n    SSL://:9093\r\nnext=x')
    expect(props.get('listeners')).toBe('PLAINTEXT://:9092,SSL://:9093')
    expect(props.get('next')).toBe('x')
  })

  it('treats an even number of trailing backslashes as literal', () => {
    const props = parseProperties('path=c:\\\\\nother=y')
    expect(props.get('path')).toBe('c:\\')
    expect(props.get('other')).toBe('y')
  })

  it('does not continue comment lines', () => {
    expect([...parseProperties('# comment \\\nkey=v')]).toEqual([['key', 'v']])
  })

  it('unescapes keys and values', () => {
    const props = parseProperties('my\\ key\\=x = tab\\there\\u00e9\\q')
    expect(props.get('my key=x')).toBe('tab\there\u00e9q')
  })

  it('lets later keys replace earlier ones', () => {
    expect(parseProperties('k=1\nk=2').get('k')).toBe('2')
  })

  it('rejects a malformed unicode escape', () => {
    expect(() => parseProperties('k=\\u12')).toThrow('malformed \\uxxxx escape')
  })
})
