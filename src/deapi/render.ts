import { Readable } from 'node:stream';
import { CHUNK_SIZE, XML_DECLARATION, endTag, leafContent, startTag, type Attributes } from '../xml/writer.js';
import type { AttributeNode, DataOf, FieldNode, FieldValue, GroupNode, ListNode, Shape, XmlNode } from './service-spec.js';

/**
 * Data as the renderer walks it: the shape names the keys at run time. Callers pass data of the shape's
 * own type (`DataOf<S>`), checked where the handler returns it.
 */
type Data = { readonly [key: string]: unknown };

/** The markup of a node with no async data (and of everything under it) for the data it is given. */
type NodeWriter = (data: Data) => string;

/** The markup rendered since the last chunk was yielded. */
type Pending = { text: string };

/**
 * Renders a service's data through its declared shape, yielding ~64 KB chunks. Async iterables (marked
 * `stream` in the shape) are consumed as the socket drains; when the consumer stops (client gone), the
 * `for await` exits and the data generator's `finally` runs, so no more pages are read.
 */
export async function* renderDocument<S extends Shape>(
  root: string,
  rootAttributes: Attributes,
  shape: S,
  data: DataOf<S>,
): AsyncGenerator<string> {
  const pending: Pending = { text: XML_DECLARATION + startTag(root, rootAttributes) };
  yield* renderNodes(pending, shape, data as Data);
  yield pending.text + endTag(root);
}

async function* renderNodes(pending: Pending, nodes: Shape, data: Data): AsyncGenerator<string> {
  for (const node of nodes) {
    if (!streams(node)) {
      pending.text += writerOf(node)(data);
      continue;
    }
    if (node.kind === 'group') {
      const value = node.key === undefined ? data : (data[node.key] as Data | null | undefined);
      if (value == null) {
        if (!node.optional) pending.text += `<${node.name}/>`;
        continue;
      }
      pending.text += startTag(node.name, attributesOf(node.attributes, value));
      yield* renderNodes(pending, node.children, value);
      pending.text += endTag(node.name);
      continue;
    }
    if (node.kind === 'list') {
      // A streamed list's source yields pages (arrays of rows), one per keyset query.
      const element = node.children.some(streams) ? undefined : elementWriterOf(node);
      for await (const page of data[node.key] as AsyncIterable<readonly Data[]>) {
        for (const row of page) {
          if (element) {
            pending.text += element(row);
          } else {
            pending.text += startTag(node.name, attributesOf(node.attributes, row));
            yield* renderNodes(pending, node.children, row);
            pending.text += endTag(node.name);
          }
          if (pending.text.length >= CHUNK_SIZE) {
            yield pending.text;
            pending.text = '';
          }
        }
      }
    }
  }
}

const writers = new WeakMap<XmlNode, NodeWriter>();
const elementWriters = new WeakMap<GroupNode | ListNode, NodeWriter>();

/**
 * A node with no async data, compiled once into closures: which key, which escaping and which tags each
 * element takes is decided once per shape instead of once per row and field. The markup is what the
 * node declares, through the same escaping functions (src/xml).
 */
function writerOf(node: XmlNode): NodeWriter {
  let writer = writers.get(node);
  if (!writer) writers.set(node, (writer = compile(node)));
  return writer;
}

function compile(node: XmlNode): NodeWriter {
  switch (node.kind) {
    case 'field':
      return compileField(node);
    case 'group': {
      const { key } = node;
      const element = elementWriterOf(node);
      const absent = node.optional ? '' : `<${node.name}/>`;
      return (data) => {
        const value = key === undefined ? data : (data[key] as Data | null | undefined);
        return value == null ? absent : element(value);
      };
    }
    case 'list': {
      const { key } = node;
      const element = elementWriterOf(node);
      return (data) => {
        const items = data[key] as Iterable<Data> | undefined;
        let out = '';
        if (items) for (const item of items) out += element(item);
        return out;
      };
    }
  }
}

/** `<name attributes>children</name>` for the value of a group or one item of a list. */
function elementWriterOf(node: GroupNode | ListNode): NodeWriter {
  let writer = elementWriters.get(node);
  if (!writer) {
    const { name, attributes } = node;
    const children = node.children.map(writerOf);
    const start = startTag(name);
    const end = endTag(name);
    writer = (value) => {
      let out = attributes?.length ? startTag(name, attributesOf(attributes, value)) : start;
      for (const child of children) out += child(value);
      return out + end;
    };
    elementWriters.set(node, writer);
  }
  return writer;
}

function compileField(node: FieldNode): NodeWriter {
  const { name, optional, repeated, attributes } = node;
  const key = node.key ?? node.name;
  const cdata = node.cdata === true;
  const start = startTag(name);
  const end = endTag(name);
  if (!repeated && !attributes?.length) {
    return (data) => {
      const value = data[key] as FieldValue;
      return value == null && optional ? '' : start + leafContent(value, cdata) + end;
    };
  }
  return (data) => {
    const value = data[key];
    if (repeated && Array.isArray(value)) {
      let out = '';
      for (const item of value as readonly FieldValue[]) out += start + leafContent(item, cdata) + end;
      return out;
    }
    if (value == null && optional) return '';
    return startTag(name, attributesOf(attributes, data)) + leafContent(value as FieldValue, cdata) + end;
  };
}

function attributesOf(attributes: readonly AttributeNode[] | undefined, data: Data): Attributes | undefined {
  return attributes?.map((a) => [a.name, (data[a.key ?? a.name] as FieldValue) ?? ''] as const);
}

const streamCache = new WeakMap<XmlNode, boolean>();

/** Whether a node or any descendant consumes an async iterable. */
function streams(node: XmlNode): boolean {
  if (node.kind === 'field') return false;
  let result = streamCache.get(node);
  if (result === undefined) {
    result = (node.kind === 'list' && node.stream === true) || node.children.some(streams);
    streamCache.set(node, result);
  }
  return result;
}

/** Renders a shape whose data is fully in memory (describe examples, golden tests). */
export function renderToString<S extends Shape>(root: string, rootAttributes: Attributes, shape: S, data: DataOf<S>): string {
  let out = XML_DECLARATION + startTag(root, rootAttributes);
  for (const node of shape) out += writerOf(node)(data as Data);
  return out + endTag(root);
}

/** Answers up to this many characters are sent whole; larger ones are streamed. */
export const WHOLE_ANSWER_LIMIT = 256 * 1024;

/**
 * What to send for a rendered document: the whole string when the document ends within
 * WHOLE_ANSWER_LIMIT (every answer but the large lists: a 250-device list_devices_at_client is ~110 KB),
 * so it goes out in one write with a Content-Length; otherwise a stream, which starts with what was
 * rendered so far and then takes the chunks as the socket drains. Streaming cost an async generator, a
 * Readable, chunked encoding and a write per 64 KB chunk: a large share of a small call. The bytes are
 * the same either way, and an error before the limit is still answered as the XML error envelope. When
 * the stream ends early (the client went away), the rendering generator is closed, which closes the data
 * generators under it.
 */
export async function documentBody(chunks: AsyncGenerator<string>): Promise<string | Readable> {
  let head = '';
  for (;;) {
    const next = await chunks.next();
    if (next.done) return head;
    head += next.value;
    if (head.length >= WHOLE_ANSWER_LIMIT) break;
  }
  async function* all() {
    try {
      yield head;
      yield* chunks;
    } finally {
      await chunks.return(undefined);
    }
  }
  return Readable.from(all(), { objectMode: false });
}
