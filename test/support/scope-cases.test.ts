import { describe, expect, it } from 'vitest';
import { SERVICES } from '../../src/deapi/registry.js';
import { idParamsOf, MISSING_ID, validParams, type SpecLike } from './scope-cases.js';

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
});
