import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, type Fleet } from '../factories.js';

describe.each(DIALECTS)('DEAPI core on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let fleet: Fleet;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    t = await buildTestApp(database);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it('answers a missing key with errorcode 3 "Login failed", HTTP 200', async () => {
    const res = await callApi(t.app, { service: 'list_clients' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<result created="2026-11-26T14:30:00+00:00" host="rmm.example.test" status="FAIL"><error><errorcode>3</errorcode><message>Login failed</message></error></result>',
    );
  });

  it('accepts the key as apikey, X-API-Key and Authorization: Bearer, on all three paths', async () => {
    for (const path of ['/api', '/api/', '/api/default.php']) {
      expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' }, { path })).body).toContain('status="OK"');
      expect((await callApi(t.app, { service: 'list_clients' }, { path, headers: { 'x-api-key': fleet.apiKey } })).body).toContain('status="OK"');
      expect((await callApi(t.app, { service: 'list_clients' }, { path, headers: { authorization: `Bearer ${fleet.apiKey}` } })).body).toContain('status="OK"');
      expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' }, { path, method: 'POST' })).body).toContain('status="OK"');
    }
  });

  it('answers an unknown or empty service with "Service unknown" and its own code', async () => {
    for (const service of ['list_nothing', '']) {
      const res = await callApi(t.app, { apikey: fleet.apiKey, service });
      expect(res.body).toContain('<errorcode>2</errorcode><message>Service unknown</message>');
    }
  });

  it('answers missing and malformed parameters with codes 5 and 4', async () => {
    expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_sites' })).body).toContain('<errorcode>5</errorcode><message>Missing parameter: clientid</message>');
    expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_checks', deviceid: 'workstation' })).body).toContain(
      '<errorcode>4</errorcode><message>Invalid value for parameter: deviceid</message>',
    );
    expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_devices_at_client', clientid: fleet.clients.alpha.id, devicetype: 'Server' })).body).toContain(
      'Invalid value for parameter: devicetype',
    );
  });

  it('answers a NUL character in any parameter with code 4, in reads and writes (was code 99 on PostgreSQL; found by the fuzzer)', async () => {
    const calls: [string, Record<string, string>][] = [
      ['productid', { service: 'list_av_definitions', productid: 'bit\u0000defender' }],
      ['name', { service: 'add_client', name: 'Nul\u0000Client' }],
    ];
    for (const [name, params] of calls) {
      const res = await callApi(t.app, { apikey: fleet.apiKey, ...params }, { method: 'POST' });
      expect(res.body, name).toContain(`<errorcode>4</errorcode><message>Invalid value for parameter: ${name}</message>`);
    }
    expect(t.logs.join('')).not.toContain('"level":50');
  });

  it('never writes the key to the log', async () => {
    await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' });
    await callApi(t.app, { service: 'list_clients' }, { method: 'POST', headers: { 'x-api-key': fleet.apiKey } });
    await callApi(t.app, { apikey: 'deadbeef'.repeat(4), service: 'list_clients' });
    const log = t.logs.join('');
    expect(log).toContain('[REDACTED]');
    expect(log).not.toContain(fleet.apiKey);
    expect(log).not.toContain('deadbeef'.repeat(4));
  });
});
