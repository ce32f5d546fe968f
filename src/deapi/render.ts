import { Readable } from 'node:stream';
import { CHUNK_SIZE, XML_DECLARATION, XmlWriter, type Attributes } from '../xml/writer.js';
import type { AttributeNode, DataOf, FieldValue, GroupNode, ListNode, Shape, XmlNode } from './service-spec.js';

/**
 * Data as the renderer walks it: the shape names the keys at run time. Callers pass data of the shape's
 * own type (`DataOf<S>`), checked where the handler returns it.
 */
type Data = { readonly [key: string]: unknown };

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
  const w = new XmlWriter();
  w.raw(XML_DECLARATION);
  w.open(root, rootAttributes);
  yield* renderNodes(w, shape, data as Data);
  w.close(root);
  yield w.take();
}

async function* renderNodes(w: XmlWriter, nodes: Shape, data: Data): AsyncGenerator<string> {
  for (const node of nodes) {
    if (!streams(node)) {
      renderNodeSync(w, node, data);
      continue;
    }
    if (node.kind === 'group') {
      const value = node.key === undefined ? data : (data[node.key] as Data | null | undefined);
      if (value == null) {
        if (!node.optional) w.empty(node.name);
        continue;
      }
      w.open(node.name, attributesOf(node.attributes, value));
      yield* renderNodes(w, node.children, value);
      w.close(node.name);
      continue;
    }
    if (node.kind === 'list') {
      // A streamed list's source yields pages (arrays of rows), one per keyset query.
      const childStreams = node.children.some(streams);
      for await (const page of data[node.key] as AsyncIterable<readonly Data[]>) {
        for (const item of page) {
          if (childStreams) {
            w.open(node.name, attributesOf(node.attributes, item));
            yield* renderNodes(w, node.children, item);
            w.close(node.name);
          } else {
            renderChildren(w, node, item);
          }
          if (w.length >= CHUNK_SIZE) yield w.take();
        }
      }
    }
  }
}

/** Renders a subtree with no async data, without any await (the hot path for each row). */
export function renderNodeSync(w: XmlWriter, node: XmlNode, data: Data): void {
  switch (node.kind) {
    case 'field': {
      const value = data[node.key ?? node.name];
      if (node.repeated && Array.isArray(value)) {
        for (const item of value as readonly FieldValue[]) w.text(node.name, item, node.cdata);
        return;
      }
      if (value == null && node.optional) return;
      w.text(node.name, value as FieldValue, node.cdata, attributesOf(node.attributes, data));
      return;
    }
    case 'group': {
      const value = node.key === undefined ? data : (data[node.key] as Data | null | undefined);
      if (value == null) {
        if (!node.optional) w.empty(node.name);
        return;
      }
      renderChildren(w, node, value);
      return;
    }
    case 'list': {
      const items = data[node.key] as Iterable<Data> | undefined;
      if (items) for (const item of items) renderChildren(w, node, item);
    }
  }
}

function renderChildren(w: XmlWriter, node: GroupNode | ListNode, value: Data): void {
  w.open(node.name, attributesOf(node.attributes, value));
  for (const child of node.children) renderNodeSync(w, child, value);
  w.close(node.name);
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
  const w = new XmlWriter();
  w.raw(XML_DECLARATION);
  w.open(root, rootAttributes);
  for (const node of shape) renderNodeSync(w, node, data as Data);
  w.close(root);
  return w.take();
}

/**
 * What to send for a rendered document: the string itself when it fits in one chunk (most answers), so
 * it goes out in one write with a Content-Length, otherwise a stream of its chunks. Streaming every
 * answer cost an async generator, a Readable and chunked encoding per request: a large share of a small
 * call. The bytes are the same either way. When the stream ends early (the client went away), the
 * rendering generator is closed, which closes the data generators under it.
 */
export async function documentBody(chunks: AsyncGenerator<string>): Promise<string | Readable> {
  const first = await chunks.next();
  if (first.done) return '';
  const second = await chunks.next();
  if (second.done) return first.value;
  async function* all() {
    try {
      yield first.value;
      yield second.value;
      yield* chunks;
    } finally {
      await chunks.return(undefined);
    }
  }
  return Readable.from(all(), { objectMode: false });
}
