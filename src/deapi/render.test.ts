import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { documentBody } from './render.js';

async function* chunksOf(parts: string[], onClose: () => void = () => {}) {
  try {
    for (const part of parts) yield part;
  } finally {
    onClose();
  }
}

async function text(body: string | Readable): Promise<string> {
  if (typeof body === 'string') return body;
  let out = '';
  for await (const chunk of body) out += chunk.toString();
  return out;
}

describe('documentBody', () => {
  it('answers a one-chunk document as the string itself', async () => {
    const body = await documentBody(chunksOf(['<result/>']));
    expect(body).toBe('<result/>');
  });

  it('streams a document of several chunks, with the same bytes in order', async () => {
    const body = await documentBody(chunksOf(['<a>', 'é', '</a>']));
    expect(body).toBeInstanceOf(Readable);
    expect(await text(body)).toBe('<a>é</a>');
  });

  it('closes the rendering generator when the stream is destroyed early (client gone)', async () => {
    let closed = false;
    const body = (await documentBody(chunksOf(['1', '2', '3', '4'], () => (closed = true)))) as Readable;
    for await (const chunk of body) {
      expect(chunk.toString()).toBe('1');
      break; // leaving the loop destroys the stream
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(true);
  });
});
