import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { documentBody, renderDocument, renderToString, WHOLE_ANSWER_LIMIT } from './render.js';
import { x } from './service-spec.js';

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
  // Chunks as the renderer yields them (~64 KB each); four of them reach the limit.
  const big = (c: string) => c.repeat(WHOLE_ANSWER_LIMIT / 4);

  it('answers a document that ends within the limit as one string', async () => {
    expect(await documentBody(chunksOf(['<result/>']))).toBe('<result/>');
    const parts = ['<a>', big('x'), big('é'), big('y'), '</a>'];
    expect(await documentBody(chunksOf(parts))).toBe(parts.join(''));
  });

  it('streams a longer document, with the same bytes in order', async () => {
    const parts = [big('a'), big('b'), big('c'), big('d'), 'é', '</a>'];
    const body = await documentBody(chunksOf(parts));
    expect(body).toBeInstanceOf(Readable);
    expect(await text(body)).toBe(parts.join(''));
  });

  it('closes the rendering generator when the stream is destroyed early (client gone)', async () => {
    let closed = false;
    const body = (await documentBody(chunksOf([big('1'), big('2'), big('3'), big('4'), '5', '6'], () => (closed = true)))) as Readable;
    for await (const chunk of body) {
      expect(chunk.toString()[0]).toBe('1');
      break; // leaving the loop destroys the stream
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(true);
  });
});

describe('renderDocument and renderToString', () => {
  // Every kind of node the compiled writers handle, with the values that take each branch.
  const row = [
    x.int('id', 'Id'),
    x.text('name', 'Name (CDATA)'),
    x.text('empty_text', 'Empty CDATA', { key: 'none' }),
    x.str('plain', 'Escaped text'),
    x.str('absent', 'Null, written empty', { key: 'none' }),
    x.str('skipped', 'Optional and null, omitted', { key: 'none', optional: true }),
    x.str('tag', 'Repeated', { key: 'tags', repeated: true }),
    x.str('message', 'With an attribute', { attributes: [{ name: 'time', key: 'at' }] }),
    x.group('counts', [x.int('total', 'Total')], { key: 'counts', attributes: [{ name: 'kind' }] }),
    x.group('missing', [x.int('total', 'Total')], { key: 'nothing' }),
    x.group('optional', [x.int('total', 'Total')], { key: 'nothing', optional: true }),
    x.group('inline', [x.int('total', 'Total', { key: 'id' })]),
    x.list('child', 'children', [x.str('v', 'Value')]),
  ] as const;
  const shape = [x.items('row', row)] as const;
  const rows = [
    { id: 1, name: 'a]]>b\r', none: null, plain: '<&>\u0001', tags: ['x', 'y&'], message: 'm', at: '"t"', counts: { kind: 'k', total: 2 }, nothing: null, children: [{ v: 'c' }] },
    { id: 2, name: '', none: undefined, plain: '', tags: [], message: '', at: '', counts: null, nothing: undefined, children: [] },
  ];
  const expected =
    '<?xml version="1.0" encoding="UTF-8"?>\n<result status="OK"><items>' +
    '<row><id>1</id><name><![CDATA[a]]]]><![CDATA[>b]]>&#13;<![CDATA[]]></name><empty_text><![CDATA[]]></empty_text><plain>&lt;&amp;&gt;</plain><absent></absent>' +
    '<tag>x</tag><tag>y&amp;</tag><message time="&quot;t&quot;">m</message><counts kind="k"><total>2</total></counts><missing/><inline><total>1</total></inline><child><v>c</v></child></row>' +
    '<row><id>2</id><name><![CDATA[]]></name><empty_text><![CDATA[]]></empty_text><plain></plain><absent></absent>' +
    '<message time=""></message><counts/><missing/><inline><total>2</total></inline></row>' +
    '</items></result>';

  it('writes each kind of node, escaped as src/xml says, the same in memory and streamed', async () => {
    expect(renderToString('result', [['status', 'OK']], shape, { items: rows } as never)).toBe(expected);
    async function* pages() {
      yield rows.slice(0, 1);
      yield rows.slice(1);
    }
    let streamed = '';
    for await (const chunk of renderDocument('result', [['status', 'OK']], shape, { items: pages() } as never)) streamed += chunk;
    expect(streamed).toBe(expected);
  });
});
