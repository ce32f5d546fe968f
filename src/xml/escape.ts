/**
 * Escaping for XML 1.0 text, attributes and CDATA. Everything Sightline sends passes through here, so
 * any string from the database (device names typed by users, check output scraped from agents) yields a
 * well-formed document.
 */

// Characters XML 1.0 forbids anywhere (control characters, lone surrogates, U+FFFE/U+FFFF).
// With the `u` flag a lone surrogate is one code point outside every allowed range, so it matches too.
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const NEEDS_TEXT_ESCAPE = /[&<>\r]/;
const NEEDS_ATTR_ESCAPE = /[&<>"'\r\n\t]/;

/** Removes the characters XML 1.0 cannot carry at all. */
export function stripForbidden(value: string): string {
  FORBIDDEN.lastIndex = 0;
  return FORBIDDEN.test(value) ? value.replace(FORBIDDEN, '') : value;
}

/** Escapes text content. `\r` is written as a reference because parsers normalise a raw one to `\n`. */
export function escapeText(value: string): string {
  const clean = stripForbidden(value);
  if (!NEEDS_TEXT_ESCAPE.test(clean)) return clean;
  return clean.replace(/[&<>\r]/g, (c) => TEXT_ENTITIES[c]!);
}

/** Escapes an attribute value (double-quoted); whitespace is kept as references so it survives normalisation. */
export function escapeAttribute(value: string): string {
  const clean = stripForbidden(value);
  if (!NEEDS_ATTR_ESCAPE.test(clean)) return clean;
  return clean.replace(/[&<>"'\r\n\t]/g, (c) => ATTR_ENTITIES[c]!);
}

/**
 * Wraps text in CDATA, as PowerShell clients expect for names and free text (`.name.'#cdata-section'`).
 * `]]>` is split across two sections, and `\r` (which a parser would turn into `\n` inside CDATA) is
 * written as a character reference between sections, so every string round-trips exactly.
 */
export function cdata(value: string): string {
  const clean = stripForbidden(value);
  if (!clean.includes(']]>') && !clean.includes('\r')) return `<![CDATA[${clean}]]>`;
  const body = clean.replaceAll(']]>', ']]]]><![CDATA[>').replaceAll('\r', ']]>&#13;<![CDATA[');
  return `<![CDATA[${body}]]>`;
}

const TEXT_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTR_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
  '\n': '&#10;',
  '\t': '&#9;',
};
