import { describe, expect, it } from 'vitest';
import { SERVICES } from '../../src/deapi/registry.js';
import type { Shape } from '../../src/deapi/service-spec.js';
import { answerRowsOf, idParamsOf, looksLikeRowName, MISSING_ID, rowsShown, validParams, type SpecLike } from './scope-cases.js';

/** Every element and attribute of a shape, as [parent, name, attribute]. */
function* nodesOf(shape: Shape, parent: string): Generator<[string, string, boolean]> {
  for (const node of shape) {
    for (const a of node.attributes ?? []) yield [node.name, a.name, true];
    yield [parent, node.name, false];
    if (node.kind !== 'field') yield* nodesOf(node.children, node.name);
  }
}

/** A service's shapes: its own, and each one shapeFor gives for a listed value of a parameter. */
function shapesOf(spec: (typeof SERVICES)[number]): Shape[] {
  const shapes = [spec.shape];
  if (!spec.shapeFor) return shapes;
  const listed = Object.entries(spec.params).filter(([, p]) => p.values?.includes('|'));
  const first = Object.fromEntries(listed.map(([name, p]) => [name, p.values!.split('|')[0]]));
  for (const [name, p] of listed) for (const value of p.values!.split('|')) shapes.push(spec.shapeFor({ ...first, [name]: value } as never));
  return shapes;
}

const spec = (params: SpecLike['params']): SpecLike => ({ name: 'list_tickets', params });
const integer = (required: boolean) => ({ type: 'integer', required });

describe('scope cases derived from the registry', () => {
  it('places every parameter of every registered service', () => {
    for (const s of SERVICES) expect(() => validParams(s, { client: 1, site: 1, device: 1, check: 1, licenseGroup: 1, patch: 1 }), s.name).not.toThrow();
  });

  it('fails a new id-like parameter, saying where to declare it', () => {
    expect(() => idParamsOf(spec({ ticketid: integer(true) }))).toThrow(/list_tickets: parameter "ticketid" looks like an id\. Add it to ID_PARAMS/);
    expect(() => idParamsOf(spec({ psa_ticket: integer(false) }))).toThrow(/or, if it names no row, to NOT_ID_PARAMS/);
    expect(idParamsOf(spec({ deviceid: integer(true), year: integer(true) }))).toEqual([{ name: 'deviceid', kind: 'device', required: true, accountWide: false }]);
  });

  it('fails a required parameter it has no value for, and a path without the id a service needs', () => {
    expect(() => validParams(spec({ colour: { type: 'string', required: true } }), {})).toThrow(/"colour" has no value to call it with; add one to EXAMPLES/);
    expect(() => validParams(spec({ checkid: integer(true) }), { device: 1 })).toThrow(/no check id to pass as "checkid"/);
  });

  it('builds a call from required parameters only: ids from the path, the first of listed values, examples', () => {
    const params = validParams(spec({ deviceid: integer(true), siteid: integer(false), interval: { type: 'string', required: true, values: 'DAY|WEEK' }, month: integer(true) }), { device: MISSING_ID });
    expect(params).toEqual({ service: 'list_tickets', deviceid: MISSING_ID, interval: 'DAY', month: 11 });
  });

  it('places every id-like element and attribute of every answer shape (ANSWER_ROWS)', () => {
    const unplaced = new Set<string>();
    for (const spec of SERVICES) {
      for (const shape of shapesOf(spec)) {
        for (const [parent, name, attribute] of nodesOf(shape, spec.root ?? 'result')) {
          if (looksLikeRowName(name) && answerRowsOf(parent, name, attribute) === undefined) unplaced.add(`${spec.name}: ${parent}${attribute ? '@' : '/'}${name}`);
        }
      }
    }
    expect([...unplaced]).toEqual([]);
  });

  it('reads the rows an answer names, by element and attribute, and flags an id-like name it cannot place', () => {
    const body = '<?xml version="1.0"?><result><items><client><clientid>7</clientid><name><![CDATA[x]]></name></client>' +
      '<user objectGUID="zu3q" device="12"/><server><id>5</id><guid>g</guid></server><ticketid>9</ticketid></items></result>';
    expect(rowsShown(body)).toEqual([
      { where: 'client/clientid', value: '7', kinds: ['clients'] },
      { where: 'user@objectGUID', value: 'zu3q', kinds: ['ad_users.object_guid'] },
      { where: 'user@device', value: '12', kinds: ['devices'] },
      { where: 'server/id', value: '5', kinds: ['devices'] },
      { where: 'server/guid', value: 'g', kinds: ['devices.guid'] },
      { where: 'items/ticketid', value: '9', kinds: [], unplaced: true },
    ]);
    expect(() => rowsShown('<result><a></result>')).toThrow();
  });
});
