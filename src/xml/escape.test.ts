import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { cdata, escapeAttribute, escapeText, stripForbidden } from './escape.js';

/** Parses `<r a="…">…</r>` with a strict parser and returns the attribute and text it saw. */
function parse(xml: string): { text: string; attribute: string } {
  const parser = new SaxesParser();
  let text = '';
  let attribute = '';
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('opentag', (tag) => {
    if (tag.name === 'r') attribute = String(tag.attributes.a ?? '');
  });
  parser.on('error', (e) => {
    throw e;
  });
  parser.write(xml).close();
  return { text, attribute };
}

describe('XML escaping', () => {
  it('escapes markup characters in text and attributes', () => {
    expect(escapeText('a<b & c>d')).toBe('a&lt;b &amp; c&gt;d');
    expect(escapeAttribute('say "hi" & \'bye\'')).toBe('say &quot;hi&quot; &amp; &apos;bye&apos;');
  });

  it('splits ]]> across CDATA sections', () => {
    expect(cdata('a]]>b')).toBe('<![CDATA[a]]]]><![CDATA[>b]]>');
    expect(parse(`<r>${cdata('x]]>y]]>')}</r>`).text).toBe('x]]>y]]>');
  });

  it('removes characters XML 1.0 forbids, including lone surrogates', () => {
    expect(stripForbidden('a\u0000b\u0008c\uFFFEd\uD800e')).toBe('abcde');
    expect(stripForbidden('emoji 😀 stays')).toBe('emoji 😀 stays');
  });

  it('round-trips any string through a strict parser as text, CDATA and attribute', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (value) => {
        const expected = stripForbidden(value);
        expect(parse(`<r a="${escapeAttribute(value)}">${escapeText(value)}</r>`)).toEqual({ text: expected, attribute: expected });
        expect(parse(`<r>${cdata(value)}</r>`).text).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
