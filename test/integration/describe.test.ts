import { SaxesParser } from 'saxes';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../../src/deapi/registry.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeAccount } from '../factories.js';

/** Element names of an element's children, in document order, read with a strict parser. */
function childOrder(xml: string, parentName: string): string[][] {
  const parser = new SaxesParser();
  const stack: string[] = [];
  const groups: string[][] = [];
  parser.on('opentag', (tag) => {
    if (stack.at(-1) === parentName) groups.at(-1)!.push(tag.name);
    if (tag.name === parentName) groups.push([]);
    stack.push(tag.name);
  });
  parser.on('closetag', () => stack.pop());
  parser.write(xml).close();
  return groups;
}

const fxp = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });

/**
 * describe=true (api-errors.md §5) on every registered service, so a service added to the registry is
 * covered without touching this file: no required parameter needed, the spec's parameters after
 * `describe`, children in N-sight's order, and an example that is itself well-formed XML.
 */
describe.each(DIALECTS)('describe=true on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    ({ apiKey } = await makeAccount(database, 'acme'));
    t = await buildTestApp(database);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it.each(SERVICES.map((s) => [s.name, s] as const))('%s', async (name, spec) => {
    const bodies = [];
    for (const describeValue of ['true', 'True', '1']) {
      const res = await callApi(t.app, { apikey: apiKey, service: name, describe: describeValue });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
      bodies.push(res.body);
    }
    expect(new Set(bodies).size, 'true, True and 1 answer the same').toBe(1);
    const body = bodies[0]!;

    expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<result created="2026-11-26T14:30:00+00:00" host="rmm.example.test"')).toBe(true);
    const doc = fxp.parse(body);
    if (spec.rootAttributes !== 'none' && spec.rootAttributes !== 'created-host') expect(doc.result['@status']).toBe('OK');
    expect(doc.result.error).toBeUndefined();
    expect(childOrder(body, 'service')).toEqual([['name', 'url', 'description', 'parameters', 'example', 'fielddescriptions']]);
    expect(doc.result.service.name).toBe(name);
    expect(doc.result.service.description).toBe(spec.description);
    expect(doc.result.service.url).toContain(`/api/default.php?apikey=api_token&service=${name}`);

    // Parameters: describe first, then the spec's own, each with N-sight's child order.
    const parameters = [doc.result.service.parameters.parameter].flat();
    expect(parameters.map((p: any) => p.name)).toEqual(['describe', ...Object.keys(spec.params)]);
    expect(parameters[0]).toMatchObject({ type: 'boolean', default: '0', values: 'true', required: 'no' });
    for (const [i, [paramName, p]] of Object.entries(spec.params).entries()) {
      expect(parameters[i + 1]).toMatchObject({ name: paramName, type: p.type, required: p.required ? 'yes' : 'no', description: p.description });
    }
    const order = childOrder(body, 'parameter');
    expect(order).toHaveLength(parameters.length);
    for (const children of order) expect(children).toEqual(['name', 'type', 'default', 'values', 'description', 'required']);

    // The example, sent as CDATA, is a document of its own with the service's root element.
    const example: string = doc.result.service.example;
    expect(example.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    const exampleRoots: string[] = [];
    const strict = new SaxesParser();
    strict.on('opentag', (tag) => exampleRoots.push(tag.name));
    strict.write(example).close();
    expect(exampleRoots[0]).toBe(spec.root ?? 'result');
    expect(doc.result.service.fielddescriptions).toContain('<table id="details-table">');
  });

  it('needs the key like any other call', async () => {
    const res = await callApi(t.app, { service: 'list_sites', describe: 'true' });
    expect(res.body).toContain('<errorcode>3</errorcode>');
  });

  it('does not treat other values as describe', async () => {
    for (const value of ['false', '0', 'yes', '']) {
      const res = await callApi(t.app, { apikey: apiKey, service: 'list_sites', describe: value });
      expect(res.body).toContain('<errorcode>5</errorcode><message>Missing parameter: clientid</message>');
    }
  });
});
