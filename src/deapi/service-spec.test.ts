import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseParams } from './params.js';
import { renderToString } from './render.js';
import { defineService, param, x, type ParamValues } from './service-spec.js';

// These cases are checked by `tsc` (a broken one fails the type check, an unneeded @ts-expect-error too)
// and by vitest, which renders what a well-typed handler returns.

const params = {
  clientid: param.id('The client.'),
  siteid: param.id('A site.', false),
  devicetype: param.oneOf(['server', 'workstation'], 'Type.', { required: true }),
  interval: param.oneOf(['DAY', 'WEEK'], 'Interval.', { default: 'DAY' }),
  name: param.string('Name.', { required: true }),
  note: param.string('Note.'),
  year: param.integer('Year.', { required: true, min: 2000, max: 2100 }),
};

const shape = [
  x.int('clientid', 'Client id', { key: 'id' }),
  x.text('name', 'Name'),
  x.str('note', 'Note', { optional: true }),
  x.group('counts', [x.int('total', 'Total')], { key: 'counts', attributes: [{ name: 'kind' }] }),
  x.list('site', 'sites', [x.int('siteid', 'Site id')]),
] as const;

const spec = defineService({
  name: 'example',
  family: 'examples',
  description: 'An example.',
  params,
  permission: null,
  shape,
  async handler(_ctx, p) {
    return { id: p.clientid, name: p.name, counts: { kind: p.devicetype, total: p.year }, sites: p.siteid === undefined ? [] : [{ siteid: p.siteid }] };
  },
});

describe('defineService', () => {
  it('types the handler parameters from the parameter schemas', () => {
    expectTypeOf<ParamValues<typeof params>>().toEqualTypeOf<{
      readonly clientid: number;
      readonly siteid?: number | undefined;
      readonly devicetype: 'server' | 'workstation';
      readonly interval?: 'DAY' | 'WEEK' | undefined;
      readonly name: string;
      readonly note?: string | undefined;
      readonly year: number;
    }>();
    const parsed = parseParams(spec.params, { clientid: '7', devicetype: 'server', name: 'Acme', year: '2026' });
    expect(parsed).toEqual({ clientid: 7, devicetype: 'server', name: 'Acme', year: 2026 });
  });

  it('renders what a handler typed against its shape returns', async () => {
    const data = await spec.handler({} as never, { clientid: 7, devicetype: 'server', name: 'Acme', year: 2026, siteid: 3 });
    expect(renderToString('result', [], spec.shape, data)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<result><clientid>7</clientid><name><![CDATA[Acme]]></name><counts kind="server"><total>2026</total></counts><site><siteid>3</siteid></site></result>',
    );
  });

  it('refuses, at compile time, data that misses a key of the shape or names one it does not have', () => {
    const base = { name: 'bad', family: 'examples', description: '', params, permission: null, shape } as const;
    defineService({
      ...base,
      // @ts-expect-error: `id` (the clientid element's key) is missing
      async handler(_ctx, p) {
        return { clientid: p.clientid, name: p.name, counts: null, sites: [] };
      },
    });
    defineService({
      ...base,
      // @ts-expect-error: a site row has `siteid`, not `id`
      async handler(_ctx, p) {
        return { id: p.clientid, name: p.name, counts: null, sites: [{ id: 1 }] };
      },
    });
    defineService({
      ...base,
      async handler(_ctx, p) {
        // @ts-expect-error: siteid is optional, so it may be undefined
        const siteId: number = p.siteid;
        return { id: siteId, name: p.name, counts: null, sites: [] };
      },
    });
    expect(base.shape).toHaveLength(5);
  });
});
