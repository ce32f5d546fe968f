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
    this.buffer += attributes?.length ? `<${name}${renderAttributes(attributes)}>` : `<${name}>`;
  }

  close(name: string): void {
    this.buffer += `</${name}>`;
  }

  empty(name: string, attributes?: Attributes): void {
    this.buffer += attributes?.length ? `<${name}${renderAttributes(attributes)}/>` : `<${name}/>`;
  }

  /** A leaf element (with attributes when given); `null`/`undefined` is written as an empty element. */
  text(name: string, value: string | number | null | undefined, asCdata = false, attributes?: Attributes): void {
    const start = attributes?.length ? `<${name}${renderAttributes(attributes)}>` : `<${name}>`;
    if (value === null || value === undefined || value === '') {
      this.buffer += asCdata ? `${start}<![CDATA[]]></${name}>` : `${start}</${name}>`;
    } else if (typeof value === 'number') {
      this.buffer += `${start}${value}</${name}>`;
    } else {
      this.buffer += `${start}${asCdata ? cdata(value) : escapeText(value)}</${name}>`;
    }
  }
}

function renderAttributes(attributes: Attributes): string {
  let out = '';
  for (const [name, value] of attributes) {
    out += ` ${name}="${typeof value === 'number' ? value : escapeAttribute(value)}"`;
  }
  return out;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
