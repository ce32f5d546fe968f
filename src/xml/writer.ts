import { cdata, escapeAttribute, escapeText } from './escape.js';

/** Chunk size the streaming renderer hands to the socket. */
export const CHUNK_SIZE = 64 * 1024;

export type Attributes = ReadonlyArray<readonly [string, string | number]>;

/**
 * Appends markup to one string (V8 ropes make `+=` cheap) that the renderer takes in ~64 KB chunks.
 * Element names come from service specs, never from data, so they are written as they are.
 */
export class XmlWriter {
  private buffer = '';

  get length(): number {
    return this.buffer.length;
  }

  /** Returns what was written since the last call and starts a new chunk. */
  take(): string {
    const chunk = this.buffer;
    this.buffer = '';
    return chunk;
  }

  raw(markup: string): void {
    this.buffer += markup;
  }

  open(name: string, attributes?: Attributes): void {
    this.buffer += startTag(name, attributes);
  }

  close(name: string): void {
    this.buffer += endTag(name);
  }

  empty(name: string, attributes?: Attributes): void {
    this.buffer += attributes?.length ? `<${name}${renderAttributes(attributes)}/>` : `<${name}/>`;
  }

  /** A leaf element (with attributes when given); `null`/`undefined` is written as an empty element. */
  text(name: string, value: string | number | null | undefined, asCdata = false, attributes?: Attributes): void {
    this.buffer += startTag(name, attributes) + leafContent(value, asCdata) + endTag(name);
  }
}

/** `<name attributes…>`. */
export function startTag(name: string, attributes?: Attributes): string {
  return attributes?.length ? `<${name}${renderAttributes(attributes)}>` : `<${name}>`;
}

export function endTag(name: string): string {
  return `</${name}>`;
}

/**
 * The content of a leaf element: a number as it is, a string escaped (or in CDATA), and nothing for
 * null, undefined or '' (an empty CDATA section when the element is CDATA).
 */
export function leafContent(value: string | number | null | undefined, asCdata: boolean): string {
  if (value === null || value === undefined || value === '') return asCdata ? '<![CDATA[]]>' : '';
  if (typeof value === 'number') return `${value}`;
  return asCdata ? cdata(value) : escapeText(value);
}

function renderAttributes(attributes: Attributes): string {
  let out = '';
  for (const [name, value] of attributes) {
    out += ` ${name}="${typeof value === 'number' ? value : escapeAttribute(value)}"`;
  }
  return out;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
